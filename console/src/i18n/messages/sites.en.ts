import type { sitesZhCN } from './sites.zh-CN';

/** Sites, departments, windows and gateways; every key of sites.zh-CN.ts (the type checks it). */
export const sitesEn: Record<keyof typeof sitesZhCN, string> = {
  'site.subtitle': 'The county hall and the town centers, as a tree',
  'site.code': 'Code',
  'site.name': 'Name',
  'site.kind': 'Kind',
  'site.kind.county': 'County center',
  'site.kind.town': 'Town center',
  'site.kind.other': 'Other',
  'site.parent': 'Parent site',
  'site.parentHelp': 'None for the county center; the county center for a town',
  'site.address': 'Address',

  'department.subtitle': 'Departments in the hall; departments own pools',
  'department.code': 'Code',
  'department.name': 'Name',
  'department.site': 'Site',
  'department.siteHelp': 'None = county-wide',
  'department.countyWide': 'County-wide',

  'window.subtitle': 'Windows in the hall; their position places them on the hall map',
  'window.code': 'Window',
  'window.label': 'Label',
  'window.site': 'Site',
  'window.department': 'Dedicated department',
  'window.departmentHelp': 'None = comprehensive window, any department',
  'window.anyDepartment': 'Comprehensive',
  'window.area': 'Area',
  'window.position': 'Position',
  'window.posX': 'Column (X)',
  'window.posY': 'Row (Y)',

  'gateway.subtitle': 'Desktop gateways (guacd); each site or department network may have its own',
  'gateway.name': 'Name',
  'gateway.host': 'Host',
  'gateway.port': 'Port',
  'gateway.address': 'Address',
  'gateway.site': 'Site',
  'gateway.health': 'Health',
  'gateway.lastChecked': 'Last checked',
};
