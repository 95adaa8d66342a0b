// What both sides of the tunnel bench share: the relay kinds and guacamole-lite's key. Kept apart
// so the relay child's bundle holds nothing of the bench's own side.
export type RelayKind = 'tcp-relay' | 'ours' | 'guacamole-lite';
/** guacamole-lite's AES-256 key (32 bytes); bench only. */
export const LITE_KEY = 'YunzhuoBenchKeyForGuacLite_32by!';
