// A top-bar disclosure (the account menu, the notification bell): a button
// that opens a panel, closed by a pointer down outside it or by Escape (which
// gives the focus back to the button).
import { useEffect, useRef, useState, type RefObject } from 'react';

export interface Disclosure {
  open: boolean;
  setOpen: (open: boolean | ((was: boolean) => boolean)) => void;
  /** The element holding the button and the panel: a pointer down outside closes. */
  root: RefObject<HTMLDivElement | null>;
  button: RefObject<HTMLButtonElement | null>;
}

/** `focusOnOpen`: the element that takes the focus each time it opens (none: it stays). */
export function useDisclosure(focusOnOpen?: RefObject<HTMLElement | null>): Disclosure {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    focusOnOpen?.current?.focus();
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, focusOnOpen]);

  return { open, setOpen, root, button };
}
