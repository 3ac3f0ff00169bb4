# The reports module's image: API (`npm run start:api`) or worker (`npm run start:worker`).
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY tsconfig.json ./
COPY public ./public
USER node
ENV NODE_ENV=production
CMD ["npm", "run", "start:api"]
