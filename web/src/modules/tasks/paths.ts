// Where a workspace's tasks, or one task (its details open), are.
export function taskPath(workspaceId: string, taskId?: string | null): string {
  const board = `/w/${workspaceId}/tasks`;
  return taskId ? `${board}/${encodeURIComponent(taskId)}` : board;
}
