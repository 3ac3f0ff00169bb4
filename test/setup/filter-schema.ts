// What the generic tests read from a report definition's filter schema (the JSON Schema the catalogue publishes).
import { z } from 'zod';
import type { ReportDefinition } from '../../src/reports';

interface PropertySchema {
  type?: string;
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  items?: PropertySchema;
}

export function filterProperties(report: ReportDefinition): Record<string, PropertySchema> {
  const schema = z.toJSONSchema(report.filters, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, PropertySchema> };
  return schema.properties ?? {};
}

const isFreeText = (s: PropertySchema | undefined) => s?.type === 'string' && !s.enum && !s.format;

/** The filters where people's or machines' free text goes (not dates, not enums), and whether each is a list. */
export interface FreeTextFilter { field: string; list: boolean; maxLength: number }

export function freeTextFilters(report: ReportDefinition): FreeTextFilter[] {
  return Object.entries(filterProperties(report)).flatMap(([field, s]): FreeTextFilter[] => {
    if (isFreeText(s)) return [{ field, list: false, maxLength: s.maxLength ?? 100 }];
    if (s.type === 'array' && isFreeText(s.items)) return [{ field, list: true, maxLength: s.items!.maxLength ?? 100 }];
    return [];
  });
}

/** Whether a filter takes a list. */
export const isListFilter = (report: ReportDefinition, field: string) => filterProperties(report)[field]?.type === 'array';
