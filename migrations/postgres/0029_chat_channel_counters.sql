-- A channel's last number is at least its last message's. Imports before
-- this version took it from the archive as given: one saying less made every
-- post in the channel take a number a message had (409, forever), and chat
-- search reads the counters as a bound on what a workspace holds. Raised
-- here, once; imports now raise it themselves.
UPDATE chat_channels
SET last_seq = (SELECT MAX(m.seq) FROM chat_messages m WHERE m.channel_id = chat_channels.id)
WHERE last_seq < (SELECT MAX(m.seq) FROM chat_messages m WHERE m.channel_id = chat_channels.id);
