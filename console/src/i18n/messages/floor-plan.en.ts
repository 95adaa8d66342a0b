import type { floorPlanZhCN } from './floor-plan.zh-CN';

/** Floor plans and wall mode (issue 17); every key of floor-plan.zh-CN.ts (the type checks it). */
export const floorPlanEn: Record<keyof typeof floorPlanZhCN, string> = {
  'plan.imageAlt': 'Hall floor plan',
  'plan.layout': 'Layout',
  'plan.planOf': 'Floor plan: {area}',
  'plan.grid': 'Grid',
  'plan.wholeSite': 'Whole site',
  'plan.edit': 'Edit floor plan',
  'plan.area': 'Plan area',
  'plan.upload': 'Upload floor plan',
  'plan.replace': 'Replace floor plan',
  'plan.uploading': 'Uploading…',
  'plan.uploaded': 'Floor plan saved',
  'plan.help': 'PNG or JPEG, up to 5 MB; drag each window to its place, it is saved when dropped',
  'plan.done': 'Done',
  'plan.delete': 'Delete floor plan',
  'plan.confirmDelete': 'Delete this floor plan?',
  'plan.confirmDeleteBody': 'Windows keep their places and show there again after a new upload.',
  'plan.none': 'This area has no floor plan yet',
  'plan.noneBody': 'Upload a floor plan of the hall (PNG or JPEG), then drag the windows to their places.',
  'plan.trayHelp': 'Windows not placed yet: drag them onto the plan',
  'plan.trayEmpty': 'Every window is placed',

  'wall.open': 'Wall mode',
  'wall.exit': 'Leave wall mode',
  'wall.noSites': 'No site to show',
  'wall.rotating': 'turns every {seconds} s',
};
