// ${NAME} expansion for pre-stop URLs and headers. Pure. Values are never spliced into a shell
// command: pre-stop commands get them as environment variables and the shell expands them.
//
// In a URL a value is percent-encoded in the path, the query and the fragment (a service name with a
// "/" or "&" stays one segment or one parameter), and inserted as it is in the host:port part (where
// NACOS_SERVER_ADDR=nacos:8848 belongs). An unknown name is an error, never an empty string: a PUT to
// /instance?ip=&enabled=false would disable nothing and look fine.

export class TemplateError extends Error {}

export type Vars = Readonly<Record<string, string | undefined>>;

type Part = { literal: string } | { name: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let rest = template;
  for (;;) {
    const start = rest.indexOf('${');
    if (start < 0) break;
    const end = rest.indexOf('}', start + 2);
    const name = end < 0 ? '' : rest.slice(start + 2, end);
    if (!NAME.test(name)) {
      const shown = end < 0 ? rest.slice(start) : rest.slice(start, end + 1);
      throw new TemplateError(`malformed "${shown}" (write \${NAME} with letters, digits and _)`);
    }
    if (start > 0) parts.push({ literal: rest.slice(0, start) });
    parts.push({ name });
    rest = rest.slice(end + 1);
  }
  if (rest) parts.push({ literal: rest });
  return parts;
}

/** Every ${NAME} a template uses, in order, once each. */
export function templateNames(template: string): string[] {
  const names = parseTemplate(template).flatMap((p) => ('name' in p ? [p.name] : []));
  return [...new Set(names)];
}

function lookup(name: string, vars: Vars, why: Readonly<Record<string, string>>): string {
  const value = vars[name];
  if (value === undefined) {
    throw new TemplateError(`unknown variable \${${name}}` + (why[name] ? `: ${why[name]}` : ' (not in the environment)'));
  }
  return value;
}

type Zone = 'authority' | 'path' | 'query' | 'fragment';

/** The zone after reading `literal` from `zone`: a literal "/", "?" or "#" moves on, never a value. */
function advance(zone: Zone, literal: string): Zone {
  for (const ch of literal) {
    if (zone === 'authority' && (ch === '/' || ch === '?' || ch === '#')) zone = ch === '/' ? 'path' : ch === '?' ? 'query' : 'fragment';
    else if (zone === 'path' && (ch === '?' || ch === '#')) zone = ch === '?' ? 'query' : 'fragment';
    else if (zone === 'query' && ch === '#') zone = 'fragment';
  }
  return zone;
}

/**
 * Expands an http(s) URL template. `why` explains names known to be missing (GRACEINIT_POD_IP).
 * The scheme must be written out: http:// or https://.
 */
export function expandUrl(template: string, vars: Vars, why: Readonly<Record<string, string>> = {}): string {
  const scheme = /^https?:\/\//i.exec(template);
  if (!scheme) throw new TemplateError(`"${template}" is not an http:// or https:// URL`);
  let zone: Zone = 'authority';
  let out = scheme[0];
  for (const part of parseTemplate(template.slice(scheme[0].length))) {
    if ('literal' in part) {
      out += part.literal;
      zone = advance(zone, part.literal);
      continue;
    }
    const value = lookup(part.name, vars, why);
    if (zone === 'authority') {
      if (/[/?#\s\x00-\x1f\x7f]/.test(value)) {
        throw new TemplateError(`\${${part.name}} is used in the host:port part but its value "${value}" ` +
          'contains "/", "?", "#" or a space');
      }
      out += value;
    } else {
      out += encodeURIComponent(value);
    }
  }
  try {
    new URL(out);
  } catch {
    throw new TemplateError(`"${template}" does not expand to a valid URL ("${out}")`);
  }
  return out;
}

/** Expands a header value as it is; a value that would break the header (CR, LF, NUL) is refused. */
export function expandText(template: string, vars: Vars, why: Readonly<Record<string, string>> = {}): string {
  let out = '';
  for (const part of parseTemplate(template)) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    const value = lookup(part.name, vars, why);
    if (/[\r\n\x00]/.test(value)) throw new TemplateError(`\${${part.name}} contains a line break, which a header cannot carry`);
    out += value;
  }
  return out;
}
