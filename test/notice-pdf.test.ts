import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { extractText, extractTextItems, getMeta } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { loadNoticeAssets } from '../src/notices/notice-assets.ts';
import type { TNoticeDocument } from '../src/notices/notice-document.ts';
import { qrRuns } from '../src/notices/notice-qr.ts';
import { renderNotice } from '../src/notices/render-notice.ts';
import { samplePng, sampleJpeg } from '../scripts/sample-images.ts';
import { sampleNoticeDocument } from '../scripts/sample-notice.ts';

const assets = loadNoticeAssets();
const SCREENSHOTS = join(import.meta.dirname, '../var/screenshots');
const A4 = { width: 595.28, height: 841.89 };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** pdf.js may take the buffer it is given: hand it a copy. */
const bytes = (pdf: Buffer) => new Uint8Array(pdf);
/** Text as extracted, NFC, without whitespace: a wrapped line may split a value anywhere a space or line break falls. */
const compact = (s: string) => s.normalize('NFC').replace(/\s+/g, '');

const read = async (pdf: Buffer) => {
  const { totalPages, text } = await extractText(bytes(pdf), { mergePages: true });
  return { totalPages, text: text.normalize('NFC'), compact: compact(text) };
};

const hasTool = (tool: string) => spawnSync(tool, ['-v']).error === undefined;

/** Every piece of text lies within the page's margins (left 56 pt, right 42 pt): nothing runs off the paper. */
const expectInsideMargins = async (pdf: Buffer) => {
  const { items } = await extractTextItems(bytes(pdf));
  for (const page of items) {
    for (const item of page.filter((i) => i.str.trim() !== '')) {
      expect(item.x, item.str).toBeGreaterThanOrEqual(56 - 0.5);
      expect(item.x + item.width, item.str).toBeLessThanOrEqual(A4.width - 42 + 0.5);
      expect(item.y, item.str).toBeGreaterThan(0);
      expect(item.y, item.str).toBeLessThan(A4.height);
    }
  }
};

describe('the penalty notice PDF (form 01, Circular 73/2024/TT-BCA)', () => {
  it('prints every field of the notice, in Vietnamese with its diacritics, on one A4 page', async () => {
    const notice = sampleNoticeDocument();
    const pdf = await renderNotice(notice, assets);
    const { totalPages, text, compact: all } = await read(pdf);
    expect(totalPages).toBe(1);
    const expected = [
      'CÔNG AN THÀNH PHỐ HỒ CHÍ MINH',
      'PHÒNG CẢNH SÁT GIAO THÔNG',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 000123/TB-PC08',
      'TP. Hồ Chí Minh, ngày 01 tháng 12 năm 2026',
      'THÔNG BÁO',
      'Về việc vi phạm hành chính về trật tự, an toàn giao thông đường bộ được phát hiện qua phương tiện, thiết bị kỹ thuật nghiệp vụ',
      'Kính gửi: Ông (Bà) Nguyễn Thị Hồng Nhung',
      'Địa chỉ: 123 Nguyễn Đình Chiểu, phường Xuân Hòa, TP. Hồ Chí Minh',
      'Phòng Cảnh sát giao thông Công an TP. Hồ Chí Minh đã sử dụng phương tiện, thiết bị kỹ thuật nghiệp vụ phát hiện',
      'Loại phương tiện: Ô tô',
      'Biển số: 51K-678.90',
      'Màu biển số: Nền trắng',
      'Nhãn hiệu, số loại, màu sơn: Toyota, Vios 1.5G, Trắng',
      // 01:15:42 UTC is 08:15:42 in Vietnam.
      'Thời gian vi phạm: 08:15:42 28/11/2026',
      'Địa điểm vi phạm: Nút giao Điện Biên Phủ - Cách Mạng Tháng Tám, phường Bàn Cờ, TP. Hồ Chí Minh',
      'Hành vi vi phạm: Vượt đèn đỏ',
      'Quy định tại: điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
      'Mức phạt tiền: từ 18.000.000 đồng đến 20.000.000 đồng',
      'Mức phạt đề xuất: 19.000.000 đồng',
      'Trừ điểm giấy phép lái xe: 4 điểm',
      'Hình ảnh ghi nhận vi phạm',
      'đến Phòng Cảnh sát giao thông Công an TP. Hồ Chí Minh, địa chỉ: 459 Trần Hưng Đạo, phường Cầu Ông Lãnh, TP. Hồ Chí Minh, điện thoại: 069 3187 551',
      'chậm nhất ngày 21/12/2026',
      'thời hạn 20 ngày kể từ ngày gửi thông báo, theo khoản 5 Điều 24 Thông tư 73/2024/TT-BCA',
      'Khi đến, mang theo: thông báo này, giấy tờ tùy thân',
      'Quá thời hạn trên mà không đến giải quyết',
      'khoản 11 Điều 47 Nghị định 168/2024/NĐ-CP',
      'https://tb.csgt.example.vn/n/7KQ2-M9XD',
      'Mã tra cứu: 482 913',
      'Cảnh báo lừa đảo: Cơ quan Công an không gọi điện, nhắn tin hay gửi đường liên kết yêu cầu nộp tiền phạt',
      'Nơi nhận:',
      'KT. TRƯỞNG PHÒNG',
    ];
    for (const phrase of expected) expect(all, phrase).toContain(compact(phrase));
    // Diacritics survive extraction character for character, not only after dropping spaces.
    expect(text).toContain('Nguyễn Thị Hồng Nhung');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    // Speed, two-wheeler and organisation wording belong to other notices.
    expect(all).not.toContain(compact('tốc độ đo được'));
    expect(all).not.toContain(compact('xe mô tô, xe gắn máy'));
    expect(all).not.toContain(compact('(đã ký)'));
    await expectInsideMargins(pdf);
  });

  it('prints the English notice when the owner asked for English', async () => {
    // After a Vietnamese notice: the fonts are shared, and letters first met inside accented
    // ones ("E" in "Ệ") must still extract (see keepCodePoints in notice-assets.ts).
    await renderNotice(sampleNoticeDocument(), assets);
    const pdf = await renderNotice(sampleNoticeDocument({ language: 'en' }), assets);
    const { totalPages, compact: all } = await read(pdf);
    expect(totalPages).toBe(1);
    for (const phrase of [
      'SOCIALIST REPUBLIC OF VIET NAM',
      'No.: 000123/TB-PC08',
      'TP. Hồ Chí Minh, 1 December 2026',
      'NOTICE',
      'To: Mr/Ms Nguyễn Thị Hồng Nhung',
      'Vehicle type: Car',
      'Number plate: 51K-678.90',
      'Plate colour: White',
      'Time of the violation: 08:15:42 28/11/2026',
      'Violation: Running a red light',
      'Provision: điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
      'Fine: from VND 18.000.000 to VND 20.000.000',
      'Proposed fine: VND 19.000.000',
      'Licence points deducted: 4 points',
      'no later than 21/12/2026',
      'Access code: 482 913',
      'Beware of scams: The police never call, text or send links asking for payment',
      'Recipients:',
    ]) {
      expect(all, phrase).toContain(compact(phrase));
    }
    expect(all).not.toContain(compact('Kính gửi'));
    await expectInsideMargins(pdf);
  });

  it('words a speeding motorbike of an organisation, with no points, and attaches several images on a last page', async () => {
    const notice = sampleNoticeDocument({
      owner: { kind: 'ORGANISATION', name: 'Công ty TNHH Vận tải Đồng Tâm', address: '45 Lê Lợi, phường Sài Gòn, TP. Hồ Chí Minh' },
      vehicle: { plate: '59-X3 123.45', plateColor: 'WHITE', vehicleClass: 'MOTORCYCLE', make: null, model: null, color: null },
      act: {
        ...sampleNoticeDocument().act,
        violation: 'SPEEDING',
        legalBasis: 'điểm a khoản 4 Điều 7 Nghị định 168/2024/NĐ-CP',
        fineMin: 800_000,
        fineMax: 1_000_000,
        amount: 900_000,
        points: 0,
        speed: { measuredKmh: 67, limitKmh: 50 },
      },
      evidence: [
        { contentType: 'image/jpeg', bytes: sampleJpeg(640, 480, 3) },
        { contentType: 'image/png', bytes: samplePng(160, 120, 4) },
        { contentType: 'image/jpeg', bytes: sampleJpeg(480, 640, 5) },
      ],
      handlingUnit: { name: 'Đội Cảnh sát giao thông số 2', address: null, phone: null },
      issuer: { ...sampleNoticeDocument().issuer, signerTitle: 'KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG PHỤ TRÁCH' },
    });
    const pdf = await renderNotice(notice, assets);
    const { totalPages, text, compact: all } = await read(pdf);
    // The space after a bold run survives (pdfkit drops the spaces a continued run starts with).
    expect(text.replace(/\s+/g, ' ')).toContain('Đội Cảnh sát giao thông số 2 trong giờ hành chính');
    // The notice on page 1, the images attached on page 2.
    expect(totalPages).toBe(2);
    const pages = (await extractText(bytes(pdf))).text.map(compact);
    expect(pages[0]).toContain(compact('KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG PHỤ TRÁCH'));
    expect(pages[0]).toContain(compact('ảnh 1/3; các ảnh kèm theo ở trang cuối'));
    expect(pages[1]).toContain(compact('HÌNH ẢNH KÈM THEO THÔNG BÁO SỐ 000123/TB-PC08'));
    for (const n of [1, 2, 3]) expect(pages[1]).toContain(compact(`Ảnh ${n}/3`));
    for (const phrase of [
      'Kính gửi: Tổ chức Công ty TNHH Vận tải Đồng Tâm',
      'Loại phương tiện: Xe mô tô',
      'Biển số: 59-X3 123.45',
      'Hành vi vi phạm: Chạy quá tốc độ (tốc độ đo được 67 km/h, tốc độ tối đa cho phép 50 km/h)',
      'Mức phạt tiền: từ 800.000 đồng đến 1.000.000 đồng',
      'Mức phạt đề xuất: 900.000 đồng',
      'Trừ điểm giấy phép lái xe: không',
      'đến Đội Cảnh sát giao thông số 2 trong giờ hành chính',
      'Đối với xe mô tô, xe gắn máy, thông báo được chuyển đến Công an cấp xã nơi cư trú',
    ]) {
      expect(all, phrase).toContain(compact(phrase));
    }
    // No make, model or colour in the registry: the line is left out, not printed empty.
    expect(all).not.toContain(compact('Nhãn hiệu, số loại, màu sơn'));
    await expectInsideMargins(pdf);
  });

  it('wraps a very long owner name and address inside the margins, on two pages at most, the signature not alone', async () => {
    const name = 'Công ty Cổ phần Đầu tư Phát triển Hạ tầng Giao thông Vận tải và Dịch vụ Logistics Đông Nam Á Thái Bình Dương';
    const address = `${'Số 1234/56/78 Đường Nguyễn Văn Linh nối dài, khu dân cư Phú Mỹ Hưng mở rộng, phường Tân Phong, '.repeat(3)}TP. Hồ Chí Minh`;
    const pdf = await renderNotice(sampleNoticeDocument({ owner: { kind: 'ORGANISATION', name, address } }), assets);
    const { totalPages, compact: all } = await read(pdf);
    expect(totalPages).toBeLessThanOrEqual(2);
    expect(all).toContain(compact(name));
    expect(all).toContain(compact(address));
    // The signature never stands alone on a page: the access box goes with it.
    const pages = (await extractText(bytes(pdf))).text.map(compact);
    const signed = pages.find((p) => p.includes(compact('KT. TRƯỞNG PHÒNG')));
    expect(signed).toContain(compact('Mã tra cứu: 482 913'));
    await expectInsideMargins(pdf);
  });

  it('renders the same notice to the same bytes, here and in another process, with fixed metadata', async () => {
    const notice = sampleNoticeDocument();
    const first = await renderNotice(notice, assets);
    const again = await renderNotice(sampleNoticeDocument(), assets);
    expect(sha256(again)).toBe(sha256(first));

    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/render-sample-notice.ts')], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(sha256(first));

    // The registry's data may come decomposed (NFD): the notice is the same file.
    const decomposed = sampleNoticeDocument({ owner: { ...notice.owner, name: notice.owner.name.normalize('NFD') } });
    expect(decomposed.owner.name).not.toBe(notice.owner.name);
    expect(sha256(await renderNotice(decomposed, assets))).toBe(sha256(first));

    // A different notice is a different file (the hash is not of something constant).
    const other = await renderNotice(sampleNoticeDocument({ number: '000124/TB-PC08' }), assets);
    expect(sha256(other)).not.toBe(sha256(first));

    const { info } = await getMeta(bytes(first));
    expect(info.CreationDate).toBe('D:20261130170000Z');
    expect(info.ModDate).toBe('D:20261130170000Z');
    expect(info.Producer).toMatch(/^phat-nguoi notice renderer/);
    expect(info.Title).toBe('Thông báo vi phạm hành chính số 000123/TB-PC08');
  });

  it('uses fonts where every glyph stands for one character, which keeps shared word layouts from changing the bytes', () => {
    for (const font of Object.values(assets.fonts)) {
      const seen = new Map<number, number>();
      for (const cp of font.characterSet) {
        const gid = font.glyphForCodePoint(cp).id;
        expect(seen.get(gid), `U+${cp.toString(16)} shares a glyph with U+${seen.get(gid)?.toString(16)}`).toBeUndefined();
        seen.set(gid, cp);
      }
    }
  });

  it('draws the QR code of the notice page URL: its runs rebuild the symbol qrcode makes', () => {
    const url = 'https://tb.csgt.example.vn/n/7KQ2-M9XD?c=482913';
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const { size, runs } = qrRuns(url);
    expect(size).toBe(modules.size);
    const dark = new Set(runs.flatMap((r) => Array.from({ length: r.length }, (_, k) => r.row * size + r.col + k)));
    for (let row = 0; row < size; row++) for (let col = 0; col < size; col++) expect(dark.has(row * size + col)).toBe(Boolean(modules.get(row, col)));
  });

  it.skipIf(!hasTool('pdffonts'))('embeds its fonts (subsets of DejaVu Serif Condensed), so any viewer shows the diacritics', async () => {
    const pdf = await renderNotice(sampleNoticeDocument(), assets);
    const out = execFileSync('pdffonts', ['-'], { input: pdf, encoding: 'utf8' });
    const rows = out.trim().split('\n').slice(2);
    expect(rows.length).toBe(2);
    for (const row of rows) {
      expect(row).toMatch(/^[A-Z]{6}\+DejaVuSerifCondensed(-Bold)?\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    }
  });

  it.skipIf(!hasTool('pdftoppm'))('renders page 1 to a PNG for people to look at (var/screenshots/)', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const language of ['vi', 'en'] as const) {
      const doc: TNoticeDocument = sampleNoticeDocument({ language });
      const pdf = await renderNotice(doc, assets);
      const prefix = join(SCREENSHOTS, `notice-${language}`);
      execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', '-', prefix], { input: pdf });
      // A4 at 80 dpi is 662 × 935 pixels; an empty page compresses to a few kilobytes.
      expect(statSync(`${prefix}.png`).size).toBeGreaterThan(40_000);
    }
  });
});
