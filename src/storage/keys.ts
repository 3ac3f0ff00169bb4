// Where each report's objects live in storage (local disk or GCS): one folder per report for its final
// file, and a parts prefix per report for the checkpointed pieces of an export in progress.
export const storageKeys = {
  final: (job: { companyId: number; id: string }, fileName: string) => `reports/${job.companyId}/${job.id}/${fileName}`,
  /** The folder of a report's final file: nothing else is ever stored in it. */
  folder: (job: { companyId: number; id: string }) => `reports/${job.companyId}/${job.id}/`,
  partsPrefix: (reportId: string) => `parts/${reportId}/`,
  part: (reportId: string, n: number) => partKey(`parts/${reportId}/`, n),
};

/** Part `n` of an object stored in parts under `prefix` (a folder key ending in '/'). */
export function partKey(prefix: string, n: number): string {
  return `${prefix}part-${String(n).padStart(6, '0')}`;
}

