/*
 * tagstring.c - --tagstring's expansion (see tagstring.h).
 */
#include "tagstring.h"

#include <string.h>

void tagstring_expand(struct strbuf *sb, const char *fmt, const char *repl,
		      const struct ph_names *names, const struct rec *r,
		      uint64_t seq, unsigned slot)
{
	size_t n = strlen(fmt);

	for (size_t i = 0; i < n;) {
		int col = 0;
		size_t len = 0;
		int kind = ph_match(fmt, i, repl, names, &col, &len);
		const char *v;

		if (kind == PH_LIT || len == 0) {
			strbuf_addch(sb, fmt[i++]);
			continue;
		}
		if (kind == PH_SEQ)
			strbuf_addf(sb, "%llu", (unsigned long long)seq);
		else if (kind == PH_SLOT)
			strbuf_addf(sb, "%u", slot);
		else if (PH_IS_RECORD(kind)) {
			size_t vlen = ph_value(r, kind, col, &v);

			strbuf_add(sb, v, vlen);
		}
		i += len;
	}
}
