import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import {
  addOfficer,
  agenciesByIds,
  csrfProtection,
  disableOfficer,
  officerAgencyId,
  officersOfAgencies,
  resetOfficerPassword,
  ROLES,
  setOfficerRoles,
} from '../accounts/index.ts';
import type { TDb } from '../db/index.ts';
import type { OfficerRole } from '../generated/prisma/enums.ts';
import { AppError } from '../shared/app-error.ts';
import { rememberLanguage } from './lang.ts';
import type { TOfficerAuth, TPrincipal } from './principal.ts';
import { renderPage } from './render.ts';
import { officerActor } from '../accounts/index.ts';

/** What the page shows after a change: a message key, and a password to be shown this once. */
type TOutcome = { ok?: string; error?: { code: string; message: string }; username?: string; password?: string };

const principalOf = (res: Response) => res.locals.principal as TPrincipal;
const rolesOf = (raw: unknown): OfficerRole[] => (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String) as OfficerRole[];
const field = (body: Record<string, unknown>, name: string): string | undefined => {
  const v = body[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

/**
 * An officer the ADMIN may manage: one of their agency or an agency below it. Any other
 * answers 404, as an out-of-scope case does (its existence is not revealed).
 */
const manageable = async (db: TDb, p: TPrincipal, username: string): Promise<void> => {
  const agencyId = await officerAgencyId(db, username);
  if (!agencyId || !p.scopeAgencyIds.includes(agencyId)) throw new AppError('NOT_FOUND', `officer ${username} does not exist`);
};

/**
 * An ADMIN keeps their own ADMIN role and account: removing either from oneself could
 * leave no ADMIN able to manage officers, and a hijacked session should not be able to
 * lock its owner out. Nor does an ADMIN give themselves a role they lack: whoever manages
 * accounts must not be able to make themselves a reviewer or supervisor of cases (four
 * eyes). Another ADMIN (or the admin CLI) does it.
 */
const notOneself = (p: TPrincipal, username: string, roles?: OfficerRole[]) => {
  if (p.username !== username) return;
  if (roles === undefined) throw new AppError('CONFLICT', 'an ADMIN cannot disable their own account: another ADMIN does it');
  if (!roles.includes('ADMIN')) throw new AppError('CONFLICT', 'an ADMIN cannot remove their own ADMIN role: another ADMIN does it');
  if (roles.some((r) => !p.roles.includes(r))) throw new AppError('CONFLICT', 'an ADMIN cannot give themselves a role: another ADMIN does it');
};

/**
 * The ADMIN's officers page `/admin/officers`: the officers of the ADMIN's agency and
 * below, and forms to add one, disable one, reset a password and set roles, through
 * src/accounts' functions (the admin CLI's), each audited there. Every form posts with
 * the session's CSRF token; a generated password is shown once, in the answer to the post.
 */
export const adminRoutes = (deps: { db: TDb }, { requireOfficer }: TOfficerAuth): Router => {
  const r = Router();
  const admin = requireOfficer({ roles: ['ADMIN'] });
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });
  const csrf: RequestHandler = (req, res, next) => void Promise.resolve(csrfProtection(req, res, next)).catch(next);
  r.use('/admin/officers', helmet(), (req, res, next) => {
    rememberLanguage(req, res);
    next();
  });

  const show = async (req: Request, res: Response, outcome: TOutcome = {}, status = 200) => {
    const p = principalOf(res);
    const [officers, agencies] = await Promise.all([officersOfAgencies(deps.db, p.scopeAgencyIds), agenciesByIds(deps.db, p.scopeAgencyIds)]);
    const now = Date.now();
    renderPage(
      req,
      res,
      'admin-officers',
      {
        officers: officers.map((o) => ({ ...o, locked: o.lockedUntil !== null && o.lockedUntil.getTime() > now, self: o.username === p.username })),
        agencies,
        agency: p.agencyCode,
        roles: ROLES,
        outcome,
      },
      status,
    );
  };

  /** Runs a change and shows the page with its outcome; a refused change is shown on the page with its status. */
  const change =
    (run: (p: TPrincipal, body: Record<string, unknown>, username: string) => Promise<TOutcome>): RequestHandler =>
    async (req, res) => {
      const p = principalOf(res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        await show(req, res, await run(p, body, String(req.params.username ?? '')));
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        await show(req, res, { error: { code: err.code, message: err.message } }, err.status);
      }
    };

  r.get('/admin/officers', admin, async (req, res) => {
    await show(req, res);
  });
  r.post(
    '/admin/officers',
    admin,
    form,
    csrf,
    change(async (p, body) => {
      const agency = field(body, 'agency') ?? '';
      const agencies = await agenciesByIds(deps.db, p.scopeAgencyIds);
      if (!agencies.some((a) => a.code === agency)) throw new AppError('VALIDATION_FAILED', `no agency ${agency} in your scope`);
      const { officer, generatedPassword } = await addOfficer(
        { db: deps.db, actor: officerActor(p) },
        { username: field(body, 'username') ?? '', fullName: field(body, 'fullName') ?? '', agency, roles: rolesOf(body.roles) },
      );
      return { ok: 'admin.added', username: officer.username, password: generatedPassword };
    }),
  );
  r.post(
    '/admin/officers/:username/disable',
    admin,
    form,
    csrf,
    change(async (p, body, username) => {
      await manageable(deps.db, p, username);
      notOneself(p, username);
      await disableOfficer({ db: deps.db, actor: officerActor(p) }, username, field(body, 'reason'));
      return { ok: 'admin.disabled', username };
    }),
  );
  r.post(
    '/admin/officers/:username/reset-password',
    admin,
    form,
    csrf,
    change(async (p, _body, username) => {
      await manageable(deps.db, p, username);
      const password = await resetOfficerPassword({ db: deps.db, actor: officerActor(p) }, username);
      return { ok: 'admin.reset', username, password };
    }),
  );
  r.post(
    '/admin/officers/:username/roles',
    admin,
    form,
    csrf,
    change(async (p, body, username) => {
      await manageable(deps.db, p, username);
      const roles = rolesOf(body.roles);
      notOneself(p, username, roles);
      await setOfficerRoles({ db: deps.db, actor: officerActor(p) }, username, roles);
      return { ok: 'admin.roles-set', username };
    }),
  );
  return r;
};
