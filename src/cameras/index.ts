export { CAMERA_CODE, CameraDirectory } from './camera-directory.ts';
export type { TCameraAuth, TCameraDirectoryLimits } from './camera-directory.ts';
export {
  addCamera,
  addSite,
  backfillSiteProvinceCodes,
  listCameras,
  listSites,
  rotateCameraSecret,
  setCameraStatus,
  setSiteProvince,
  SITE_KINDS,
  updateSite,
  ZCameraInput,
  ZSiteInput,
} from './camera-admin.ts';
export type { TSiteKinds } from './camera-admin.ts';
export { generateSecret } from './secret-box.ts';
export { siteFacts } from './site-facts.ts';
export type { TSiteFacts } from './site-facts.ts';
export { describeCameras } from './camera-reads.ts';
export type { TCameraFacts, TSiteSummary } from './camera-reads.ts';
