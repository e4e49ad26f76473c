import type { TDb } from '../db/index.ts';

/** `agency`: the name of the agency operating the camera. */
export type TCameraFacts = { id: string; code: string; agency: string; status: string; certNumber: string; certExpiresAt: Date };
export type TSiteSummary = { id: string; code: string; name: string; address: string; province: string; isExpressway: boolean };

/** Cameras and sites by id, for read models that show where and by what a capture was made. */
export const describeCameras = async (
  db: TDb,
  ids: { cameraIds: string[]; siteIds: string[] },
): Promise<{ cameras: Map<string, TCameraFacts>; sites: Map<string, TSiteSummary> }> => {
  const [cameras, sites] = await Promise.all([
    ids.cameraIds.length
      ? db.camera.findMany({
          where: { id: { in: ids.cameraIds } },
          select: { id: true, code: true, agency: { select: { name: true } }, status: true, certNumber: true, certExpiresAt: true },
        })
      : [],
    ids.siteIds.length
      ? db.site.findMany({
          where: { id: { in: ids.siteIds } },
          select: { id: true, code: true, name: true, address: true, province: true, isExpressway: true },
        })
      : [],
  ]);
  return { cameras: new Map(cameras.map(({ agency, ...c }) => [c.id, { ...c, agency: agency.name }])), sites: new Map(sites.map((s) => [s.id, s])) };
};
