// The reports' address: /w/{id}/reports[?days=N].
/** The reports page of a workspace, for the last `days` days (the default period when left out). */
export function reportsPath(ws: string, days?: number): string {
  const path = `/w/${encodeURIComponent(ws)}/reports`;
  return days === undefined ? path : `${path}?days=${days}`;
}
