import type { townsZhCN } from './towns.zh-CN';

/** Town connectors (issue 20, docs/TOWNS.md); every key of towns.zh-CN.ts (the type checks it). */
export const townsEn: Record<keyof typeof townsZhCN, string> = {
  'nav.connectors': 'Town connectors',

  'connector.subtitle':
    'Town centers dial out to the county through their connector; no inbound port is opened at the town. Their health and the desktops they carry',
  'connector.name': 'Name',
  'connector.site': 'Site',
  'connector.health': 'Status',
  'connector.online': 'Online',
  'connector.offline': 'Offline',
  'connector.state.revoked': 'Revoked',
  'connector.lastSeen': 'Last heard',
  'connector.rtt': 'RTT',
  'connector.throughputUp': 'To the town',
  'connector.throughputDown': 'From the town',
  'connector.streams': 'Streams',
  'connector.desktops': 'Desktops',
  'connector.address': 'Address',
  'connector.revoke': 'Revoke',
  'connector.confirmRevoke':
    "Revoke this connector? Every broker cuts it at once; the town's desktops are unreachable until it enrolls again with a new join token.",
  'connector.revoked': 'Revoked; every broker has cut the connector',
  'connector.empty': 'No town connector yet',
  'connector.emptyBody':
    "Create a join token for the town's site on the Terminals page and start yunzhuo-connector with it on the town's connector box (see docs/TOWNS.md).",

  'hall.viaConnector': 'Through the town connector',
  'hall.connectorDown': "The town connector is offline: this window's town desktops cannot be reached",
  'hall.connectorShort': 'connector',

  'desktop.connector': 'Town connector',
};
