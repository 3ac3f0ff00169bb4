-- reports.fmt_text (002) tested a text's first character with left(v, 1) in (…): a new text value and six
-- text comparisons per cell, five cells per row of a message listing. ascii(v) gives the first character's
-- code point (in UTF-8, the character's, never a byte of it), so comparing it with the same six characters'
-- codes (= + - @ TAB CR) is the same rule, for a third of the cost (docs/performance.md).
-- test/integration/cell-formats.test.ts compares it with 002's definition on every first character to U+07FF.
create or replace function reports.fmt_text(v text) returns text
  language sql immutable parallel safe
  return case when v = '' then null
              when ascii(v) in (61, 43, 45, 64, 9, 13) then '''' || v
              else v end;
