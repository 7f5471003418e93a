// Run before every test file: app-wide state a test leaves behind is
// dropped after it, as a fresh page load would. Tests run in Node (no
// window) import none of it.
import { afterEach } from 'vitest';

afterEach(async () => {
  if (typeof window === 'undefined') return;
  (await import('../workspaces/members')).resetMemberDirectory();
});
