/* fs/mkman.c — build-time: a man page from its template and usage.c's tables.
 *
 *   mkman ptfs|ptwalk TEMPLATE OUTPUT VERSION
 *
 * Copies TEMPLATE to OUTPUT, replacing a line "@OPTIONS@" by the tool's
 * options and "@COMMANDS@" by ptwalk's commands, in troff's man macros,
 * and "@VERSION@" anywhere by VERSION.  The lists come from the tables
 * --help prints, so the page and --help name the same options.  Every
 * placeholder the tool needs must be there once; any other @WORD@ is an
 * error, so a typo in a template fails the build instead of reaching a
 * reader.
 */
#include "usage.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Text as troff prints it: hyphens as \- (options are typed with the
 * ASCII hyphen-minus), backslashes and backticks escaped, and a line
 * that would start with a control character guarded with \&. */
static void put_text(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '`')
			fputs("\\(ga", f);
		else
			fputc(*s, f);
	}
}

static void put_font(FILE *f, char font, const char *s)
{
	fprintf(f, "\\f%c", font);
	put_text(f, s);
	fputs("\\fR", f);
}

static void put_options(FILE *f, unsigned tool)
{
	for (size_t k = 0; k < ptv_option_count; k++) {
		const struct ptv_option_doc *o = &ptv_option_table[k];
		if (!(o->tools & tool))
			continue;
		fputs(".TP\n", f);
		if (o->alias) {
			put_font(f, 'B', o->alias);
			fputs(", ", f);
		}
		put_font(f, 'B', o->name);
		if (o->arg) {
			fputc(' ', f);
			put_font(f, 'I', o->arg);
		}
		fputc('\n', f);
		put_text(f, o->help);
		fputc('\n', f);
	}
}

static void put_commands(FILE *f)
{
	for (size_t k = 0; k < ptv_command_count; k++) {
		const struct ptv_command_doc *c = &ptv_command_table[k];
		fputs(".TP\n", f);
		put_font(f, 'B', c->name);
		if (*c->args) {
			fputc(' ', f);
			put_font(f, 'I', c->args);
		}
		fputc('\n', f);
		put_text(f, c->help);
		fputc('\n', f);
	}
}

/* The @WORD@ at p (uppercase letters between two @), its length or 0. */
static size_t placeholder(const char *p)
{
	if (*p != '@')
		return 0;
	size_t n = 1;
	while (isupper((unsigned char)p[n]))
		n++;
	return n > 1 && p[n] == '@' ? n + 1 : 0;
}

/* One template line to out, its @VERSION@ replaced; false on any other
 * placeholder inside a line. */
static bool put_line(FILE *out, const char *line, const char *version,
		     const char *template, int lineno)
{
	for (const char *p = line; *p; p++) {
		size_t n = placeholder(p);
		if (n == 0) {
			fputc(*p, out);
		} else if (n == 9 && !strncmp(p, "@VERSION@", n)) {
			fputs(version, out);
			p += n - 1;
		} else {
			fprintf(stderr, "mkman: %s:%d: unknown placeholder %.*s\n",
				template, lineno, (int)n, p);
			return false;
		}
	}
	return true;
}

struct counts {
	int options, commands;
};

static bool copy(FILE *in, FILE *out, unsigned tool, const char *version,
		 const char *template, struct counts *seen)
{
	char line[1024];
	int lineno = 0;
	while (fgets(line, sizeof line, in)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(in)) {
			fprintf(stderr, "mkman: %s:%d: line longer than %zu bytes\n",
				template, lineno, sizeof line - 2);
			return false;
		}
		if (!strcmp(line, "@OPTIONS@\n")) {
			put_options(out, tool);
			seen->options++;
		} else if (!strcmp(line, "@COMMANDS@\n") && tool == PTV_PTWALK) {
			put_commands(out);
			seen->commands++;
		} else if (!put_line(out, line, version, template, lineno)) {
			return false;
		}
	}
	if (ferror(in)) {
		fprintf(stderr, "mkman: %s: read error\n", template);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	if (argc != 5 || (strcmp(argv[1], "ptfs") && strcmp(argv[1], "ptwalk"))) {
		fprintf(stderr, "usage: mkman ptfs|ptwalk TEMPLATE OUTPUT VERSION\n");
		return 2;
	}
	unsigned tool = strcmp(argv[1], "ptfs") ? PTV_PTWALK : PTV_PTFS;
	FILE *in = fopen(argv[2], "r");
	if (!in) {
		perror(argv[2]);
		return 1;
	}
	FILE *out = fopen(argv[3], "w");
	if (!out) {
		perror(argv[3]);
		fclose(in);
		return 1;
	}
	struct counts seen = {0, 0};
	bool ok = copy(in, out, tool, argv[4], argv[2], &seen);
	fclose(in);
	if (fclose(out) != 0) {
		perror(argv[3]);
		ok = false;
	}
	int want_commands = tool == PTV_PTWALK;
	if (ok && (seen.options != 1 || seen.commands != want_commands)) {
		fprintf(stderr, "mkman: %s: wants @OPTIONS@%s once on a line of its own\n",
			argv[2], want_commands ? " and @COMMANDS@" : "");
		ok = false;
	}
	if (!ok)
		remove(argv[3]);
	return ok ? 0 : 1;
}
