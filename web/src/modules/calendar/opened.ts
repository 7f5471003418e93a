// The armoured events this tab holds opened, for what is said of them
// elsewhere: a notice of an armoured event names no title nor time
// (docs/armoured.md, "Attendees"), but the card this tab already opened
// does. A calendar answers for its events while it is shown (it hears
// their changes live, before the notices that follow them); nothing is
// kept here.
import type { OpenedFacts } from './logic/notices';

/** What a holder knows of event `id` of `workspaceId` (undefined: not opened there). */
export type OpenedLookup = (workspaceId: string, id: string) => OpenedFacts | undefined;

const holders = new Set<OpenedLookup>();

/** Adds a holder of opened events; the function returned removes it. */
export function holdOpened(lookup: OpenedLookup): () => void {
  holders.add(lookup);
  return () => {
    holders.delete(lookup);
  };
}

/** What this tab opened of an armoured event, if any holder has it. */
export function openedFacts(workspaceId: string, id: string): OpenedFacts | undefined {
  for (const lookup of holders) {
    const facts = lookup(workspaceId, id);
    if (facts) return facts;
  }
  return undefined;
}
