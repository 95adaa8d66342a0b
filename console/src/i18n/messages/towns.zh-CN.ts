/** Town connectors (issue 20, docs/TOWNS.md). */
export const townsZhCN = {
  'nav.connectors': '乡镇连接器',

  'connector.subtitle': '乡镇便民服务中心的连接器只向县里主动连出，乡镇无需开放任何入站端口；这里看它们的健康与承载的桌面',
  'connector.name': '名称',
  'connector.site': '所属站点',
  'connector.health': '状态',
  'connector.online': '在线',
  'connector.offline': '离线',
  'connector.state.revoked': '已吊销',
  'connector.lastSeen': '最近联系',
  'connector.rtt': '往返时延',
  'connector.throughputUp': '下行（至乡镇）',
  'connector.throughputDown': '上行（自乡镇）',
  'connector.streams': '连接数',
  'connector.desktops': '承载桌面',
  'connector.address': '来源地址',
  'connector.revoke': '吊销',
  'connector.confirmRevoke': '吊销该连接器？所有云桌服务器将立即断开它，乡镇桌面将无法使用，直到用新的入网令牌重新登记。',
  'connector.revoked': '已吊销，所有服务器已断开该连接器',
  'connector.empty': '还没有乡镇连接器',
  'connector.emptyBody': '在「云终端」页创建该乡镇站点的入网令牌，在乡镇的连接器主机上用它启动 yunzhuo-connector（见 docs/TOWNS.md）。',

  'hall.viaConnector': '经乡镇连接器',
  'hall.connectorDown': '乡镇连接器离线，该窗口的乡镇桌面无法连接',
  'hall.connectorShort': '连接器',

  'desktop.connector': '乡镇连接器',
} as const;
