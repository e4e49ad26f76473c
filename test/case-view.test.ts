import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAGS } from '../src/cases/index.ts';
import { text } from '../src/shared/templates.ts';
import { createTestContext, seedSite, startApi, type TTestContext } from './support/context.ts';
import { asOfficer, testOfficerAuth, testPrincipal } from './support/officer.ts';
import { seedReviewCase, type TReviewCase } from './support/review-case.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
const agencyA = randomUUID();
const agencyB = randomUUID();
const officerA = asOfficer(testPrincipal([agencyA]));
let mine: TReviewCase;
let theirs: TReviewCase;
let unassigned: TReviewCase;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db);
  api = await startApi(ctx, { officerAuth: testOfficerAuth });
  const store = api.services.evidence();
  mine = await seedReviewCase(ctx.db, store, { agencyId: agencyA });
  theirs = await seedReviewCase(ctx.db, store, { agencyId: agencyB, plate: '30A99999' });
  unassigned = await seedReviewCase(ctx.db, store, { agencyId: null, plate: '29B11111' });
});

afterAll(async () => {
  await api?.close();
  await ctx?.close();
});

const get = (path: string, headers: Record<string, string> = officerA) => fetch(`${api.baseUrl}${path}`, { headers });
const json = async <T = { flags: { explanation: string }[]; error: { code: string } }>(res: Response) => (await res.json()) as T;

describe('GET /v1/cases/:id', () => {
  it('answers everything needed to decide the case in one read', async () => {
    const res = await get(`/v1/cases/${mine.caseId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('private');
    const c = await json<{ owner: object; captures: { evidence: { url: string }[] }[]; history: { action: string }[] }>(res);
    expect(c).toMatchObject({
      id: mine.caseId,
      status: 'PENDING_REVIEW',
      plate: { raw: '51F-123.45', normalised: '51F12345', color: 'WHITE', confidenceMax: 0.97, confidenceMin: 0.88 },
      vehicle: {
        seen: { vehicleClass: 'CAR', plateColor: 'WHITE', make: null },
        registry: { vehicleClass: 'TRUCK', plateColor: 'WHITE', make: 'Hyundai', model: 'Porter H150', color: 'Xanh' },
        matches: { vehicleClass: false, plateColor: true },
      },
      owner: { name: 'Trần Thị Bình', type: 'PERSON' },
      site: { code: 'SITE-1' },
      act: {
        violation: 'RED_LIGHT',
        legalBasis: 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
        fineMin: 18_000_000,
        fineMax: 20_000_000,
        fineAmount: 19_000_000,
        points: 4,
        rule: { decree: '168/2024/NĐ-CP', article: 6, clause: 9, point: 'b' },
      },
      dates: { noticeDaysLeft: 5 },
      flags: [{ code: 'CLASS_MISMATCH', explanation: text('flags', 'CLASS_MISMATCH') }],
    });
    expect(c.owner).not.toHaveProperty('idNumber');
    expect(c.captures).toHaveLength(2);
    expect(c.captures[0]).toMatchObject({ plateRaw: '51F-123.45', plateConfidence: 0.97, camera: { code: 'CAM-1', certValidAtCapture: true } });
    const urls = c.captures.flatMap((x) => x.evidence.map((e) => e.url));
    expect(urls).toEqual(mine.evidence.map((e) => `/v1/evidence/${e.id}`));
    expect(c.history.map((h) => h.action)).toEqual(['open', 'assess']);
  });

  it('explains the flags in English on ?lang=en', async () => {
    const c = await json(await get(`/v1/cases/${mine.caseId}?lang=en`));
    expect(c.flags[0]!.explanation).toMatch(/cloned plate/);
  });

  it("answers 404 for another agency's case, a case without an agency, an unknown id and a malformed one", async () => {
    for (const id of [theirs.caseId, unassigned.caseId, randomUUID(), 'not-a-uuid']) {
      const res = await get(`/v1/cases/${id}`);
      expect(res.status, id).toBe(404);
      expect((await json(res)).error.code).toBe('NOT_FOUND');
    }
  });

  it('shows a supervisor whose scope covers both agencies both cases', async () => {
    const both = asOfficer(testPrincipal([agencyA, agencyB], { roles: ['SUPERVISOR'] }));
    expect((await get(`/v1/cases/${theirs.caseId}`, both)).status).toBe(200);
  });

  it('needs an officer', async () => {
    expect((await get(`/v1/cases/${mine.caseId}`, {})).status).toBe(401);
  });
});

describe('GET /v1/evidence/:id', () => {
  it('streams the stored image with its type, a private cache and its sha256 as ETag', async () => {
    const [first] = mine.evidence;
    const res = await get(`/v1/evidence/${first!.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('etag')).toBe(`"${first!.sha256}"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(first!.bytes)).toBe(true);
  });

  it('answers 304 to a revalidation with the same ETag', async () => {
    const [first] = mine.evidence;
    const res = await get(`/v1/evidence/${first!.id}`, { ...officerA, 'if-none-match': `"${first!.sha256}"` });
    expect(res.status).toBe(304);
  });

  it("answers 404 for another agency's evidence, an unknown id, and without scope", async () => {
    for (const id of [theirs.evidence[0]!.id, unassigned.evidence[0]!.id, randomUUID(), '..%2F..%2Fetc']) {
      const res = await get(`/v1/evidence/${id}`);
      expect(res.status, id).toBe(404);
    }
    expect((await get(`/v1/evidence/${mine.evidence[0]!.id}`, asOfficer(testPrincipal([]))))).toHaveProperty('status', 404);
  });

  it('is never served from the static path', async () => {
    const res = await get(`/static/${mine.evidence[0]!.sha256}`);
    expect(res.status).toBe(404);
  });
});

describe('pages', () => {
  const html = { ...officerA, accept: 'text/html' };

  it('renders the case page with the key facts, escaped', async () => {
    await ctx.db.$executeRaw`UPDATE "case" SET registry_snapshot = jsonb_set(registry_snapshot, '{owner,name}', '"<script>alert(1)</script>"') WHERE id = ${mine.caseId}::uuid`;
    const res = await get(`/review/cases/${mine.caseId}`, html);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await res.text();
    expect(page).toContain('51F12345');
    expect(page).toContain('51F-123.45');
    expect(page).toContain('19.000.000 ₫');
    expect(page).toContain('điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP');
    expect(page).toContain(text('flags', 'CLASS_MISMATCH'));
    expect(page).toContain(`/v1/evidence/${mine.evidence[0]!.id}`);
    expect(page).toContain('name="_csrf" value="test-csrf-token"');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders a case with no registry record, no rule, no deadlines and no evidence', async () => {
    const site = await ctx.db.site.findUniqueOrThrow({ where: { code: 'SITE-1' } });
    const at = new Date();
    const bare = await ctx.db.case.create({
      data: {
        plate: '51K00001', plateRaw: '51K00001', plateColor: 'YELLOW', violation: 'NO_PLATE', vehicleClass: 'TRUCK', siteId: site.id,
        status: 'PENDING_REVIEW', flags: ['UNREGISTERED_PLATE', 'NO_RULE', 'A_FLAG_NEWER_THAN_THE_STRINGS'], firstCapturedAt: at, lastCapturedAt: at, detectingAgencyId: agencyA,
      },
    });
    const view = await json<{ vehicle: { registry: null; matches: null }; act: { rule: null }; dates: { noticeDaysLeft: null }; captures: []; flags: { explanation: string }[] }>(
      await get(`/v1/cases/${bare.id}`),
    );
    expect(view).toMatchObject({ vehicle: { registry: null, matches: null }, act: { rule: null }, dates: { noticeDaysLeft: null }, captures: [] });
    expect(view.flags.map((f) => f.explanation)).toEqual([text('flags', 'UNREGISTERED_PLATE'), text('flags', 'NO_RULE'), 'A_FLAG_NEWER_THAN_THE_STRINGS']);
    const res = await get(`/review/cases/${bare.id}`, html);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(text('pages', 'case.notRegistered'));
    expect(page).toContain(text('pages', 'case.noEvidence'));
  });

  it('switches to English on ?lang=en and remembers it', async () => {
    const res = await get(`/review/cases/${mine.caseId}?lang=en`, html);
    expect(await res.text()).toContain('Proposed amount');
    expect(res.headers.get('set-cookie')).toMatch(/^lang=en;/);
    const again = await get(`/review/cases/${mine.caseId}`, { ...html, cookie: 'lang=en' });
    expect(await again.text()).toContain('Proposed amount');
  });

  it("renders 404 as a page for another agency's case", async () => {
    const res = await get(`/review/cases/${theirs.caseId}`, html);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain(text('pages', 'error.404.title'));
  });

  it('lists the cases waiting in scope on the queue page, and only those', async () => {
    const page = await (await get('/review', html)).text();
    expect(page).toContain(`/review/cases/${mine.caseId}`);
    expect(page).not.toContain(theirs.caseId);
    expect(page).not.toContain(unassigned.caseId);
  });

  it('serves the stylesheet and the script from /static', async () => {
    const css = await get('/static/app.css', {});
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    expect((await get('/static/pages.js', {})).headers.get('content-type')).toMatch(/javascript/);
  });
});

describe('flag sentences', () => {
  it('explain every flag in Vietnamese and English', () => {
    for (const flag of Object.values(FLAGS)) {
      expect(text('flags', flag, {}, 'vi'), flag).toMatch(/\S/);
      expect(text('flags', flag, {}, 'en'), flag).toMatch(/\S/);
    }
  });
});
