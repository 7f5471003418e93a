// Small browser-state hooks of the chat screen.
import { useEffect, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import { dragHasFiles, filesOf } from './logic/attachments';

function subscribeFocus(cb: () => void) {
  window.addEventListener('focus', cb);
  window.addEventListener('blur', cb);
  document.addEventListener('visibilitychange', cb);
  return () => {
    window.removeEventListener('focus', cb);
    window.removeEventListener('blur', cb);
    document.removeEventListener('visibilitychange', cb);
  };
}

/** Whether the person is looking at this tab: visible and focused. */
export function useWindowFocused(): boolean {
  return useSyncExternalStore(
    subscribeFocus,
    () => document.visibilityState === 'visible' && document.hasFocus(),
  );
}

/**
 * Files dragged onto `target` (from the desktop or another window): calls
 * `onFiles` on a drop, and returns whether files hover it now. Other drags
 * (text, links) pass through untouched.
 */
export function useFileDrop(
  target: RefObject<HTMLElement | null>,
  enabled: boolean,
  onFiles: (files: File[]) => void,
): boolean {
  const [depth, setDepth] = useState(0);
  const handler = useRef(onFiles);
  useEffect(() => {
    handler.current = onFiles;
  }, [onFiles]);
  useEffect(() => {
    const el = target.current;
    if (!el || !enabled) return;
    // Enter and leave fire for every child crossed: count them.
    const enter = (e: DragEvent) => {
      if (!dragHasFiles(e.dataTransfer)) return;
      e.preventDefault();
      setDepth((d) => d + 1);
    };
    const over = (e: DragEvent) => {
      if (!dragHasFiles(e.dataTransfer)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => setDepth((d) => Math.max(0, d - 1));
    const drop = (e: DragEvent) => {
      if (!dragHasFiles(e.dataTransfer)) return;
      e.preventDefault();
      setDepth(0);
      const files = filesOf(e.dataTransfer);
      if (files.length) handler.current(files);
    };
    el.addEventListener('dragenter', enter);
    el.addEventListener('dragover', over);
    el.addEventListener('dragleave', leave);
    el.addEventListener('drop', drop);
    return () => {
      el.removeEventListener('dragenter', enter);
      el.removeEventListener('dragover', over);
      el.removeEventListener('dragleave', leave);
      el.removeEventListener('drop', drop);
      setDepth(0);
    };
  }, [target, enabled]);
  return enabled && depth > 0;
}
