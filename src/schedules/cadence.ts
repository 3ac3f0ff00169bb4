// When a schedule runs: every day, a weekday or a day of the month, at HH:MM of the company's zone.
import { z } from 'zod';

const at = z.string({ error: 'deve ser um horário HH:MM' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'deve ser um horário HH:MM, de 00:00 a 23:59' });

export const cadenceSchema = z.discriminatedUnion('every', [
  z.strictObject({ every: z.literal('day'), at }),
  z.strictObject({
    every: z.literal('week'),
    weekday: z.number({ error: 'deve ser o dia da semana ISO, de 1 (segunda-feira) a 7 (domingo)' }).int().min(1).max(7),
    at,
  }),
  z.strictObject({
    every: z.literal('month'),
    dayOfMonth: z.number({ error: 'deve ser um dia do mês de 1 a 28' }).int({ error: 'deve ser um dia do mês de 1 a 28' })
      .min(1, { message: 'deve ser um dia do mês de 1 a 28' }).max(28, { message: 'deve ser um dia do mês de 1 a 28 (todo mês tem esses dias)' }),
    at,
  }),
], { error: 'deve dizer every: day, week ou month' });

export type Cadence = z.infer<typeof cadenceSchema>;

const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
const WEEKDAY_WORDS = ['toda segunda-feira', 'toda terça-feira', 'toda quarta-feira', 'toda quinta-feira', 'toda sexta-feira', 'todo sábado', 'todo domingo'];

/** The Temporal calendar spec of a cadence (the zone is the schedule's own `timezone`). */
export function calendarOf(cadence: Cadence) {
  const [hour, minute] = cadence.at.split(':').map(Number);
  if (cadence.every === 'week') return { hour, minute, dayOfWeek: WEEKDAYS[cadence.weekday - 1] };
  if (cadence.every === 'month') return { hour, minute, dayOfMonth: cadence.dayOfMonth };
  return { hour, minute };
}

/** The cadence in pt-BR words: "toda segunda-feira às 08:00". */
export function cadenceInWords(cadence: Cadence): string {
  if (cadence.every === 'week') return `${WEEKDAY_WORDS[cadence.weekday - 1]} às ${cadence.at}`;
  if (cadence.every === 'month') return `todo dia ${cadence.dayOfMonth} do mês às ${cadence.at}`;
  return `todos os dias às ${cadence.at}`;
}
