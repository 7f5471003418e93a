import { describe, expect, it } from 'vitest';
import type { EventFrame } from '../api/types';
import { mentionsUser, messageExcerpt, readableBody, setBodyDecoder } from './live';

const ev = (type: string, data: Record<string, unknown>): EventFrame => ({
  type,
  workspace_id: 'w1',
  seq: 3,
  data,
});

describe('mention notifications', () => {
  it('notifies a person mentioned by id or by @channel, in someone else’s new message', () => {
    expect(mentionsUser(ev('message.created', { author_id: 'a', mentions: ['me'] }), 'me')).toBe(
      true,
    );
    expect(
      mentionsUser(ev('message.created', { author_id: 'a', mentions: ['channel'] }), 'me'),
    ).toBe(true);
    expect(
      mentionsUser(ev('message.created', { author_id: 'me', mentions: ['channel'] }), 'me'),
    ).toBe(false);
    expect(mentionsUser(ev('message.created', { author_id: 'a', mentions: ['b'] }), 'me')).toBe(
      false,
    );
    // An edit or a pin carries the mentions again: no second notification.
    expect(mentionsUser(ev('message.updated', { author_id: 'a', mentions: ['me'] }), 'me')).toBe(
      false,
    );
    expect(mentionsUser(ev('message.pinned', { author_id: 'a', mentions: ['me'] }), 'me')).toBe(
      false,
    );
    expect(mentionsUser(ev('task.assigned', { mentions: ['me'] }), 'me')).toBe(true);
  });

  it('stays quiet for @channel in a muted channel, not for one’s own name', () => {
    const at = (mentions: string[]) => ev('message.created', { author_id: 'a', mentions });
    expect(mentionsUser(at(['channel']), 'me', true)).toBe(false);
    expect(mentionsUser(at(['channel', 'me']), 'me', true)).toBe(true);
  });

  it('turns a message into one line of plain text', () => {
    const id = '01HZALICE0000000000000000A';
    expect(messageExcerpt(`Hi <@${id}>, **look**:\n\n- <!channel> \`x\``, () => 'Alice')).toBe(
      'Hi @Alice, look: @channel x',
    );
    // As the message reads: a link's text, not its address; characters
    // that mark nothing stay; what the channel would not show is not read.
    expect(
      messageExcerpt(
        'voir [le plan](https://plan.example.org)\nC# > Java, snake_case_name, 2 * 3 * 4\nMerci <script>window.pwned=1</script>',
        () => undefined,
      ),
    ).toBe('voir le plan C# > Java, snake_case_name, 2 * 3 * 4 Merci');
    expect(messageExcerpt('> cité\n\n# Titre\n\n~~barré~~ _penché_', () => undefined)).toBe(
      'cité Titre barré penché',
    );
    expect(
      messageExcerpt(
        '```sh\nmake test\n```\n1. `a*b*c` ![schéma](https://x.example/s.png) [doc](https://d.example "Doc")',
        () => undefined,
      ),
    ).toBe('make test a*b*c schéma doc');
    // Marks that never close, a long body of them: only its start is read.
    expect(messageExcerpt('**_~~`['.repeat(8000), () => undefined).length).toBeLessThanOrEqual(140);
    expect(messageExcerpt(`<@${id}>`, () => undefined)).toBe('@…');
    expect(messageExcerpt('a'.repeat(300), () => undefined)).toHaveLength(140);
  });
});

describe('readable bodies of armoured messages', () => {
  const sealed = (v: 1 | 2, k: string) => `e2e${v}:${k}:bm9uY2U:Y2lwaGVy:c2ln`;

  it('never shows a sealed body, of any version or key, without its key manager', () => {
    for (const body of [sealed(1, '3'), sealed(2, '3'), sealed(1, 'c2'), sealed(2, 'c2')])
      expect(readableBody('w-none', { body })).toBeUndefined();
    expect(readableBody('w-none', { body: 'en clair' })).toBe('en clair');
  });

  it('asks the workspace’s decoder for every sealed version', () => {
    const seen: string[] = [];
    setBodyDecoder('w-armoured', (m) => {
      seen.push(m.body);
      return 'ouvert';
    });
    try {
      expect(readableBody('w-armoured', { body: sealed(2, 'c2'), channel_id: 'c' })).toBe('ouvert');
      expect(readableBody('w-armoured', { body: sealed(1, '1') })).toBe('ouvert');
      expect(seen).toEqual([sealed(2, 'c2'), sealed(1, '1')]);
    } finally {
      setBodyDecoder('w-armoured', null);
    }
  });
});
