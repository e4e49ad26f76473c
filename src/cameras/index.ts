export { CAMERA_CODE, CameraDirectory } from './camera-directory.ts';
export type { TCameraAuth, TCameraDirectoryLimits } from './camera-directory.ts';
export {
  addCamera,
  addSite,
  CameraAdminError,
  listCameras,
  rotateCameraSecret,
  setCameraStatus,
  ZCameraInput,
  ZSiteInput,
} from './camera-admin.ts';
export { generateSecret } from './secret-box.ts';
