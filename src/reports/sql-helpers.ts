/** SQL fragments that several report types write the same way. */

/**
 * A list of names in one cell: sorted alphabetically ignoring case and accents' byte values
 * (ICU root collation), ties broken bytewise so the output is stable, joined by ", ".
 */
export function nameList(nameExpr: string, fromAndWhere: string): string {
  return `(select string_agg(${nameExpr}, ', ' order by lower(${nameExpr}) collate "und-x-icu", ${nameExpr} collate "C") ${fromAndWhere})`;
}
