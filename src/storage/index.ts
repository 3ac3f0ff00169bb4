/** Picks where report files live from the configuration: local disk (the default) or GCS. */
import type { Config } from '../config';
import { GcsStorage } from './gcs';
import { LocalStorage } from './local';
import type { ReportStorage } from './storage';

export type { ReportStorage } from './storage';
export { LocalStorage, localFilesRouter } from './local';
export { GcsStorage, ensureBucket } from './gcs';

export type StorageConfig = Config['storage'] & { projectId?: string };

export function createStorage(config: StorageConfig, opts: { publicUrl: string; secret: string }): ReportStorage {
  switch (config.kind) {
    case 'local':
      // Links point at the façade, which serves them with localFilesRouter under /files.
      return new LocalStorage({ dir: config.dir, publicUrl: opts.publicUrl, secret: opts.secret });
    case 'gcs':
      return new GcsStorage({ bucket: config.bucket, emulatorHost: config.emulatorHost, projectId: config.projectId });
  }
}
