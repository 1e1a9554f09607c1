# Vendored from ../shared/tools/ocr_align.py (sha256 e051bc2ffc2845d8108f3ec87a6e7cbdbb6f6131d5ff0a4d9545de5f7a5d47fb),
# unchanged below this comment, so that the OCR gold test (tests/ruler.py `judgeable`) runs on a
# fresh clone without ../shared. It is the ruler's aligner: do not edit it here; copy it again
# when the ruler changes.
#!/usr/bin/env python3
"""Character-level alignment of a noisy (OCR) body against a clean body of the same document.

align(noisy, clean) -> dict with
  edits:        OCR-style substitutions: 1-4 CJK chars replaced by the same number of CJK chars
                [{offset, sic, corr}], offset = index into `noisy` (the 正文 body string)
  other_edits:  other differences inside aligned regions (insertions, deletions, unequal or
                non-CJK substitutions, runs longer than 4) [{offset, sic, corr, type}]
  layout_edits: number of whitespace/markup-only differences (not listed)
  stats:        aligned_chars, matched_chars, similarity (matched/aligned), coverage
                (aligned/len(noisy)), global_similarity

Only differences that sit inside "aligned regions" are reported: a noisy position is aligned when
the +-WIN window around it is at least MIN_LOCAL equal characters, and it is not within MARGIN chars
of a large (> BIG) insertion/deletion block (material present in only one of the versions, e.g.
footnotes, editorial notes, page furniture).

Uses rapidfuzz (Levenshtein opcodes) when available, difflib otherwise.
"""
import re

try:
    from rapidfuzz.distance import Levenshtein as _Lev
except Exception:  # pragma: no cover
    _Lev = None
import difflib

CJK_RE = re.compile(r'^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+$')
LAYOUT_RE = re.compile(r'^[\s#>]*$')

WIN = 15          # half window for local match density
MIN_LOCAL = 0.6   # min fraction of equal chars in the window
BIG = 8           # an insertion/deletion block longer than this marks unaligned material
MARGIN = 10       # chars around a big block that are not trusted


def is_cjk(s):
    return bool(s) and bool(CJK_RE.match(s))


def opcodes(a, b):
    if _Lev is not None:
        return [(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in _Lev.opcodes(a, b)]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sm.get_opcodes()


SPACE_RE = re.compile(r'(?<=[^\x00-\x7f])[ \u3000\t]+|[ \u3000\t]+(?=[^\x00-\x7f])')


def align(noisy, clean):
    # spaces inside CJK text of the clean version are typesetting only
    clean = SPACE_RE.sub('', clean)
    n = len(noisy)
    ops = opcodes(noisy, clean)
    equal = [0] * n
    bad = [0] * (n + 1)
    for tag, i1, i2, j1, j2 in ops:
        if tag == 'equal':
            for i in range(i1, i2):
                equal[i] = 1
        else:
            la, lb = i2 - i1, j2 - j1
            if max(la, lb) > BIG and abs(la - lb) > BIG // 2 or max(la, lb) > 3 * BIG:
                lo = max(0, i1 - MARGIN); hi = min(n, i2 + MARGIN)
                for i in range(lo, hi):
                    bad[i] = 1
                if i1 == i2 and i1 < n:
                    bad[i1] = 1
    # prefix sums for local density
    pre = [0]
    for e in equal:
        pre.append(pre[-1] + e)
    aligned = [0] * n
    for i in range(n):
        lo = max(0, i - WIN); hi = min(n, i + WIN + 1)
        if not bad[i] and (pre[hi] - pre[lo]) >= MIN_LOCAL * (hi - lo):
            aligned[i] = 1

    def region_ok(i1, i2):
        if i1 == i2:  # insertion point
            k = min(i1, n - 1)
            return n > 0 and aligned[k] and (i1 == 0 or aligned[i1 - 1])
        return all(aligned[i] for i in range(i1, i2))

    edits, other = [], []
    layout = 0
    for tag, i1, i2, j1, j2 in ops:
        if tag == 'equal':
            continue
        sic, corr = noisy[i1:i2], clean[j1:j2]
        if LAYOUT_RE.match(sic) and LAYOUT_RE.match(corr):
            layout += 1
            continue
        if not region_ok(i1, i2):
            continue
        if tag == 'replace' and len(sic) == len(corr):
            # split into runs of CJK<->CJK substitutions and the rest
            k = 0
            while k < len(sic):
                if is_cjk(sic[k]) and is_cjk(corr[k]) and sic[k] != corr[k]:
                    s = k
                    while k < len(sic) and is_cjk(sic[k]) and is_cjk(corr[k]) and sic[k] != corr[k]:
                        k += 1
                    run_s, run_c = sic[s:k], corr[s:k]
                    if len(run_s) <= 4:
                        edits.append({'offset': i1 + s, 'sic': run_s, 'corr': run_c})
                    else:
                        other.append({'offset': i1 + s, 'sic': run_s, 'corr': run_c, 'type': 'long_substitution'})
                else:
                    s = k
                    while k < len(sic) and not (is_cjk(sic[k]) and is_cjk(corr[k])) and sic[k] != corr[k]:
                        k += 1
                    if k == s:  # identical char inside replace block (difflib) - skip it
                        k += 1
                        continue
                    rs, rc = sic[s:k], corr[s:k]
                    if LAYOUT_RE.match(rs) and LAYOUT_RE.match(rc):
                        layout += 1
                    else:
                        other.append({'offset': i1 + s, 'sic': rs, 'corr': rc, 'type': 'substitution_non_cjk'})
        elif tag == 'replace':
            other.append({'offset': i1, 'sic': sic, 'corr': corr, 'type': 'unequal_substitution'})
        elif tag == 'delete':
            other.append({'offset': i1, 'sic': sic, 'corr': '', 'type': 'extra_in_ocr'})
        elif tag == 'insert':
            other.append({'offset': i1, 'sic': '', 'corr': corr, 'type': 'missing_in_ocr'})
    aligned_chars = sum(aligned)
    matched = sum(1 for i in range(n) if aligned[i] and equal[i])
    glob_eq = sum(equal)
    stats = {
        'noisy_len': n,
        'clean_len': len(clean),
        'aligned_chars': aligned_chars,
        'matched_chars': matched,
        'similarity': round(matched / aligned_chars, 4) if aligned_chars else 0.0,
        'coverage': round(aligned_chars / n, 4) if n else 0.0,
        'global_similarity': round(2 * glob_eq / (n + len(clean)), 4) if n + len(clean) else 0.0,
    }
    ranges = []
    i = 0
    while i < n:
        if aligned[i]:
            s0 = i
            while i < n and aligned[i]:
                i += 1
            ranges.append([s0, i])
        else:
            i += 1
    return {'edits': edits, 'other_edits': other, 'layout_edits': layout, 'stats': stats,
            'aligned_ranges': ranges}


if __name__ == '__main__':
    import json, sys
    a = open(sys.argv[1], encoding='utf-8').read()
    b = open(sys.argv[2], encoding='utf-8').read()
    print(json.dumps(align(a, b), ensure_ascii=False, indent=1))
