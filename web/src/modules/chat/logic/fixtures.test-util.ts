// Test data for the chat's unit tests.
import type { Channel, EventFrame, Message } from '../../../api';

let seq = 0;

export function msg(author: string, at: string, extra: Partial<Message> = {}): Message {
  seq += 1;
  return {
    id: `m${seq}`,
    channel_id: 'c1',
    workspace_id: 'w1',
    seq,
    author_id: author,
    thread_id: null,
    in_channel: true,
    body: 'hello',
    created_at: at,
    edited_at: null,
    deleted: false,
    reply_count: 0,
    last_reply_at: null,
    pinned: false,
    reactions: [],
    mentions: [],
    ...extra,
  };
}

export function channel(id: string, extra: Partial<Channel> = {}): Channel {
  return {
    id,
    workspace_id: 'w1',
    kind: 'public',
    name: id,
    topic: '',
    archived: false,
    created_by: 'alice',
    created_at: '2026-11-01T10:00:00Z',
    last_seq: 10,
    last_message_at: '2026-11-29T10:00:00Z',
    joined: true,
    last_read_seq: 10,
    unread: 0,
    mentions: 0,
    ...extra,
  };
}

export function event(type: string, data: object, seq = 1): EventFrame {
  return { type, workspace_id: 'w1', seq, module: 'chat', data: { ...data } };
}

/** The value, which the test knows is there. */
export function must<T>(v: T | undefined | null): T {
  if (v === undefined || v === null) throw new Error('missing value');
  return v;
}
