// RFC 9457 problem details: the one way the API says no.
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { AppError, type FieldError } from '../errors';

const TITLES: Record<number, string> = {
  400: 'Requisição inválida',
  401: 'Não autenticado',
  403: 'Sem permissão',
  404: 'Não encontrado',
  405: 'Método não permitido',
  409: 'Conflito',
  410: 'Expirado',
  413: 'Requisição grande demais',
  415: 'Tipo de conteúdo não suportado',
  422: 'Pedido não processável',
  429: 'Muitas requisições',
  500: 'Erro interno',
  503: 'Serviço indisponível',
};

export function sendProblem(res: Response, err: AppError): void {
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  res
    .status(err.status)
    .type('application/problem+json')
    .json({
      type: `urn:reports:problem:${err.code}`,
      title: TITLES[err.status] ?? 'Erro',
      status: err.status,
      detail: err.message,
      ...(err.errors.length ? { errors: err.errors } : {}),
    });
}

/** Zod issues as `{ path, message }`, the path prefixed (`filters.from`). */
export function fieldErrors(error: ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => {
      const parts = [prefix, ...issue.path.map(String), ...(key ? [key] : [])].filter(Boolean);
      const path = parts.join('.') || '(corpo)';
      const message = issue.code === 'unrecognized_keys' ? `${path}: campo desconhecido` : `${path}: ${issue.message}`;
      return { path, message };
    });
  }).flat();
}

export const notFoundHandler: RequestHandler = (_req, res) => {
  sendProblem(res, AppError.notFound('Rota não encontrada.'));
};

export function errorHandler(log: (msg: string, err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof AppError) return sendProblem(res, err);
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    // body-parser's errors: malformed JSON, too large, wrong charset.
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (err as { type?: string }).type;
      const detail =
        type === 'entity.parse.failed' ? 'O corpo da requisição não é um JSON válido.'
        : type === 'entity.too.large' ? 'O corpo da requisição é grande demais.'
        : 'A requisição não pôde ser lida.';
      return sendProblem(res, new AppError(status, type ?? 'bad-request', detail));
    }
    log('unhandled error', err);
    sendProblem(res, new AppError(500, 'internal', 'Erro interno. Tente novamente.'));
  };
}
