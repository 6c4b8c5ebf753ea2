/**
 * Every script family, edited reposts and different pages: scripts written without spaces (Thai, Lao, Khmer,
 * Myanmar) are split into dictionary words, Han and kana per character. Pages are generated here from a few dozen
 * common words of each language (no corpus text); a repost has 0.3% of its letters changed.
 */
import { describe, expect, it } from 'vitest';
import { compareFingerprints, fingerprintText, normalizeText } from '../../functions/core/fingerprint.ts';
import { DEFAULT_INDEX_LAYOUT } from '../../functions/store/index-layout.ts';
import type { Fingerprint } from '../../functions/core/types.ts';
import { seededRandom } from '../support/random.ts';

interface ScriptFamily {
  name: string;
  words: string[];
  /** A letter of the script that edits write over another. */
  substitute: string;
  /** What separates sentences (the words inside a sentence are written without spaces, except in Latin). */
  wordJoiner: string;
}

const FAMILIES: ScriptFamily[] = [
  { name: 'Thai', substitute: 'ก', wordJoiner: '', words: 'ข่าว วันนี้ รัฐบาล ประเทศ ประชาชน เศรษฐกิจ การเมือง นายก รัฐมนตรี ประกาศ นโยบาย ใหม่ เกี่ยวกับ การศึกษา โรงเรียน นักเรียน ครู เมือง กรุงเทพ ฝน ตก หนัก น้ำ ท่วม ถนน รถ ไฟ ราคา น้ำมัน สูงขึ้น ตลาด หุ้น'.split(' ') },
  { name: 'Lao', substitute: 'ກ', wordJoiner: '', words: 'ລັດຖະບານ ປະເທດ ປະຊາຊົນ ເສດຖະກິດ ການສຶກສາ ໂຮງຮຽນ ນັກຮຽນ ຄູ ເມືອງ ວຽງຈັນ ຝົນ ຕົກ ນ້ຳ ຖະໜົນ ລົດ ລາຄາ ນ້ຳມັນ ຕະຫຼາດ ຂ່າວ ມື້ນີ້ ໃໝ່ ປະກາດ ນະໂຍບາຍ ພາສາ ລາວ ເປັນ ທີ່ ງາມ'.split(' ') },
  { name: 'Khmer', substitute: 'ក', wordJoiner: '', words: 'ប្រទេស រដ្ឋាភិបាល ប្រជាជន សេដ្ឋកិច្ច ការអប់រំ សាលារៀន សិស្ស គ្រូ ទីក្រុង ភ្នំពេញ ភ្លៀង ទឹក ផ្លូវ ឡាន តម្លៃ ប្រេង ផ្សារ ព័ត៌មាន ថ្ងៃនេះ ថ្មី ប្រកាស គោលនយោបាយ ភាសា ខ្មែរ ជា ស្រស់ស្អាត'.split(' ') },
  { name: 'Myanmar', substitute: 'က', wordJoiner: '', words: 'မြန်မာ နိုင်ငံ အစိုးရ ပြည်သူ စီးပွားရေး ပညာရေး ကျောင်း ကျောင်းသား ဆရာ မြို့ ရန်ကုန် မိုး ရေ လမ်း ကား ဈေးနှုန်း ရေနံ ဈေး သတင်း ယနေ့ အသစ် ကြေညာ မူဝါဒ သည်'.split(' ') },
  { name: 'Chinese', substitute: '的', wordJoiner: '', words: '政府 国家 人民 经济 教育 学校 学生 老师 城市 北京 下雨 河水 道路 汽车 价格 石油 市场 新闻 今天 宣布 政策 语言 美丽 发展 问题'.split(' ') },
  { name: 'Japanese', substitute: 'の', wordJoiner: '', words: '政府 国民 経済 教育 学校 学生 先生 東京 雨 道路 自動車 価格 石油 市場 ニュース 今日 新しい 発表 政策 言葉 美しい は が を に の です ます'.split(' ') },
  { name: 'Latin', substitute: 'e', wordJoiner: ' ', words: 'government country people economy education school student teacher city river rain water road car price oil market news today announced new policy language beautiful growth question'.split(' ') },
];

/** A page of `sentences` sentences of 8-15 words drawn from the family's words. */
function page(family: ScriptFamily, seed: number, sentences = 40): string {
  const random = seededRandom(seed);
  return Array.from({ length: sentences }, () => {
    const length = 8 + Math.floor(random() * 8);
    return Array.from({ length }, () => family.words[Math.floor(random() * family.words.length)]!).join(family.wordJoiner);
  }).join(' ');
}

/** The page with `share` of its letters (at least one) replaced by the family's substitute letter. */
function editLetters(text: string, family: ScriptFamily, share: number, seed: number): string {
  const characters = [...text];
  const letters = characters.flatMap((character, index) => (/\p{L}/u.test(character) && character !== family.substitute ? [index] : []));
  const random = seededRandom(seed);
  const edits = Math.max(1, Math.round(letters.length * share));
  for (let e = 0; e < edits; e++) characters[letters[Math.floor(random() * letters.length)]!] = family.substitute;
  return characters.join('');
}

const sharePartition = (a: Fingerprint, b: Fingerprint): boolean => {
  const written = new Set(DEFAULT_INDEX_LAYOUT.writePartitions(a.simhash));
  return DEFAULT_INDEX_LAYOUT.lookupPartitions(b.simhash, b.weakBits).some((partition) => written.has(partition));
};

describe('every script family', () => {
  it('splits Thai, Lao, Khmer and Myanmar into words, and Han and kana per character', () => {
    expect(normalizeText('ภาษาไทยเป็นภาษาที่สวยงาม')).toBe('ภาษา ไทย เป็น ภาษา ที่ สวยงาม');
    expect(normalizeText('ພາສາລາວເປັນພາສາທີ່ງາມ')).toBe('ພາສາ ລາວ ເປັນ ພາສາ ທີ່ ງາມ');
    expect(normalizeText('ភាសាខ្មែរជាភាសា').split(' ').length).toBeGreaterThan(1);
    expect(normalizeText('မြန်မာနိုင်ငံအစိုးရသည်').split(' ').length).toBeGreaterThan(1);
    expect(normalizeText('東京タワー')).toBe('東 京 タ ワ ー');
  });

  for (const family of FAMILIES) {
    it(`${family.name}: 0.3%-edited reposts are near-duplicates found through the index; different pages are not`, () => {
      const rows = Array.from({ length: 10 }, (_, index) => {
        const original = page(family, 100 + index);
        const originalPrint = fingerprintText(original);
        const repost = compareFingerprints(originalPrint, fingerprintText(editLetters(original, family, 0.003, index)));
        const repostFound = repost.nearDuplicate && sharePartition(originalPrint, fingerprintText(editLetters(original, family, 0.003, index)));
        const different = compareFingerprints(originalPrint, fingerprintText(page(family, 500 + index)));
        return { repost, repostFound, different };
      });
      const found = rows.filter((row) => row.repostFound).length;
      const worst = Math.min(...rows.map((row) => row.repost.similarity));
      const closestDifferent = Math.max(...rows.map((row) => row.different.similarity));
      console.log(`${family.name}: reposts found ${found}/10 (lowest similarity ${worst.toFixed(3)}, largest distance ${Math.max(...rows.map((row) => row.repost.distance))}); different pages matched ${rows.filter((row) => row.different.nearDuplicate).length}/10 (highest similarity ${closestDifferent.toFixed(3)})`);
      expect(found).toBe(10);
      expect(rows.filter((row) => row.different.nearDuplicate)).toHaveLength(0);
    });
  }
});
