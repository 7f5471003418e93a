// A workspace member as GET /workspaces/{id}/members gives them, for tests.
import type { Member } from '../api';

export function member(user_id: string, name: string, o: Partial<Member> = {}): Member {
  return {
    user_id,
    name,
    email: `${user_id}@x`,
    role: 'member',
    external: false,
    expires_at: null,
    rights: {},
    ...o,
  };
}
