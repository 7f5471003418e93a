// Run before every test file: app-wide state a test leaves behind is
// dropped after it, as a fresh page load would. Tests run in Node (no
// window) import none of it.
import { afterEach } from 'vitest';

// jsdom has <dialog> without its modal methods: opened and closed as a
// browser would mark them (components/Dialog.tsx calls both).
if (typeof HTMLDialogElement !== 'undefined') {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
}

afterEach(async () => {
  if (typeof window === 'undefined') return;
  (await import('../workspaces/members')).resetMemberDirectory();
});
