/**
 * The ISO 8601 text formats a string sensor or actuator may declare (`format` in its
 * metadata): a date `YYYY-MM-DD`, a time `HH:MM:SS`, or a date-time `YYYY-MM-DDTHH:MM:SS`
 * (local time without offset). The C++ core (core_validate.cpp parse_text_format()) checks
 * the same rules.
 */
export type TextFormat = 'date' | 'time' | 'date-time';

export const TEXT_FORMATS: readonly TextFormat[] = ['date', 'time', 'date-time'];

/** How each format is written, for messages. */
export const TEXT_FORMAT_PATTERNS: Readonly<Record<TextFormat, string>> = {
    date: 'YYYY-MM-DD',
    time: 'HH:MM:SS',
    'date-time': 'YYYY-MM-DDTHH:MM:SS',
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})$/;

function daysInMonth(year: number, month: number): number {
    if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
    return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isDate(text: string): boolean {
    const m = DATE.exec(text);
    if (!m) return false;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function isTime(text: string): boolean {
    const m = TIME.exec(text);
    return m !== null && Number(m[1]) <= 23 && Number(m[2]) <= 59 && Number(m[3]) <= 59;
}

/** Whether `text` is a real date/time written exactly in `format` (no 2026-02-30, no 24:00:00). */
export function matchesTextFormat(format: TextFormat, text: string): boolean {
    switch (format) {
        case 'date':
            return isDate(text);
        case 'time':
            return isTime(text);
        case 'date-time':
            return (
                text.length === 19 && text[10] === 'T' && isDate(text.slice(0, 10)) && isTime(text.slice(11))
            );
    }
}
