import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes it, and assistive
 * technology announces it by its title.
 */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = `modal-${props.title.replace(/\W+/g, '-').toLowerCase()}`;
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    const closed = () => props.onClose();
    dialog.addEventListener('close', closed);
    return () => dialog.removeEventListener('close', closed);
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId}>
      <article>
        <header>
          <button
            type="button"
            aria-label="Close"
            {
              ...{ rel: 'prev' } /* Pico's close button in a dialog's header */
            }
            onClick={() => ref.current?.close()}
          />
          <h2 id={titleId}>{props.title}</h2>
        </header>
        {props.children}
      </article>
    </dialog>
  );
}
