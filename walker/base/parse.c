/* base/parse.c — small parsers in one leaf file: hex addresses as users
 * type them, the canonical numbers of the tree's names, signed numbers and
 * KEY=VALUE lookups of VMCOREINFO, and --process specs. */
#include "base/base.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ptw_parse_hex(const char *text, uint64_t *out, struct ptw_error *err)
{
	const char *p = text;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	uint64_t v = 0;
	unsigned digits = 0;
	bool any = false;
	for (; *p; p++) {
		if (*p == '`') /* WinDbg's fffff801`07401940 */
			continue;
		if (!isxdigit((unsigned char)*p))
			return ptw_fail(err, PTW_ERR_INVALID,
					"'%s' is not a hexadecimal address", text);
		any = true;
		if (digits == 0 && *p == '0')
			continue;
		if (++digits > 16)
			return ptw_fail(err, PTW_ERR_INVALID,
					"'%s' does not fit in 64 bits", text);
		unsigned c = (unsigned)tolower((unsigned char)*p);
		v = v << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
	}
	if (!any)
		return ptw_fail(err, PTW_ERR_INVALID, "'%s' holds no hex digit", text);
	*out = v;
	return 0;
}

int ptw_parse_process_spec(const char *text, struct ptw_process_spec *out,
			   struct ptw_error *err)
{
	memset(out, 0, sizeof *out);
	out->ppid = -1;
	const char *c1 = strchr(text, ':');
	if (!c1)
		return ptw_fail(err, PTW_ERR_INVALID,
				"--process '%s': want CID:DIRBASE[:NAME]", text);
	char cid[32], dirbase[40];
	size_t n = (size_t)(c1 - text);
	if (n == 0 || n >= sizeof cid)
		return ptw_fail(err, PTW_ERR_INVALID, "--process '%s': bad CID", text);
	memcpy(cid, text, n);
	cid[n] = '\0';
	const char *c2 = strchr(c1 + 1, ':');
	n = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
	if (n == 0 || n >= sizeof dirbase)
		return ptw_fail(err, PTW_ERR_INVALID,
				"--process '%s': bad DIRBASE", text);
	memcpy(dirbase, c1 + 1, n);
	dirbase[n] = '\0';
	/* Decimal, or hex after 0x: never octal (a leading 0 is just a 0). */
	bool hex = cid[0] == '0' && (cid[1] == 'x' || cid[1] == 'X');
	char *end;
	errno = 0;
	long long v = strtoll(hex ? cid + 2 : cid, &end, hex ? 16 : 10);
	if (errno || *end || v < 0 || (hex && !cid[2]) || !isdigit((unsigned char)cid[0]))
		return ptw_fail(err, PTW_ERR_INVALID,
				"--process '%s': CID '%s' is not a number", text, cid);
	out->cid = v;
	int rc = ptw_parse_hex(dirbase, &out->dirbase, err);
	if (rc)
		return rc;
	if (c2) {
		if (strlen(c2 + 1) >= sizeof out->name)
			return ptw_fail(err, PTW_ERR_INVALID,
					"--process '%s': name longer than %d bytes", text,
					PTW_NAME_MAX - 1);
		snprintf(out->name, sizeof out->name, "%s", c2 + 1);
	}
	return 0;
}

bool ptw_parse_hex_digits(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 16)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint64_t)(c - 'a' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

bool ptw_parse_canon_hex(const char *s, uint64_t *out)
{
	return !(s[0] == '0' && s[1]) && ptw_parse_hex_digits(s, out);
}

bool ptw_parse_canon_dec(const char *s, uint64_t max, uint64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool ptw_parse_ll(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

const char *ptw_kv_find(const char *text, size_t len, const char *key,
			size_t *vlen)
{
	size_t klen = strlen(key);
	for (const char *p = text, *end = text + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (n > klen && p[klen] == '=' && memcmp(p, key, klen) == 0) {
			*vlen = n - klen - 1;
			return p + klen + 1;
		}
		p += n + 1;
	}
	return NULL;
}

uint32_t ptw_parse_release(const char *osrelease)
{
	/* "a.b[.c]" then anything (Linux's UTS release): at least a and b. */
	uint32_t v[3] = { 0, 0, 0 };
	const char *p = osrelease;
	unsigned n = 0;
	while (n < 3 && isdigit((unsigned char)*p)) {
		char *end;
		unsigned long x = strtoul(p, &end, 10);
		if (x > 255)
			return 0;
		v[n++] = (uint32_t)x;
		p = *end == '.' ? end + 1 : end;
		if (*end != '.')
			break;
	}
	return n >= 2 ? v[0] << 16 | v[1] << 8 | v[2] : 0;
}
