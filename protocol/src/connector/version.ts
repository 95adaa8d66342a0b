/**
 * The connector protocol's version, sent in the `Yunzhuo-Connector-Protocol` header of the
 * WebSocket upgrade and checked by the broker before it upgrades (as `/agent` does).
 * `major.minor`: minors only add; a new major is a new contract (control messages and framing).
 */
export const CONNECTOR_PROTOCOL_VERSION = '1.0';
export const CONNECTOR_PROTOCOL_HEADER = 'yunzhuo-connector-protocol';
export const SUPPORTED_CONNECTOR_PROTOCOL_MAJORS: readonly number[] = [1];
/** where the connector's WebSocket lives on the broker */
export const CONNECTOR_SOCKET_PATH = '/connector';
/** `POST` here with a site's join token (public: the token is the authorisation) */
export const CONNECTOR_ENROLL_PATH = '/api/v1/connector/enroll';

export type ConnectorProtocolCheck = { ok: true; version: string } | { ok: false; reason: string };

export function checkConnectorProtocol(header: string | undefined): ConnectorProtocolCheck {
  const match = /^(\d{1,3})\.(\d{1,3})$/.exec(header?.trim() ?? '');
  if (!match) return { ok: false, reason: `missing or malformed ${CONNECTOR_PROTOCOL_HEADER} header (want major.minor)` };
  if (!SUPPORTED_CONNECTOR_PROTOCOL_MAJORS.includes(Number(match[1]))) {
    return { ok: false, reason: `connector protocol ${match[0]} not supported (majors: ${SUPPORTED_CONNECTOR_PROTOCOL_MAJORS.join(', ')})` };
  }
  return { ok: true, version: match[0] };
}
