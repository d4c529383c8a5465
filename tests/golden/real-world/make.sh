#!/bin/sh
# Regenerates the catalogs in this folder with GNU gettext's own tools (xgettext, msginit,
# msgmerge), the way real projects write them: plural forms, contexts, obsolete entries,
# previous-msgid comments, long wrapped lines.  Run from this folder; commit the results.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/app_v1.py" <<'PY'
from gettext import gettext as _, ngettext, pgettext
_("Keep the dressing dry for two days after the procedure, then wash gently with mild soap and water, and pat the area dry with a clean towel.")
_("Call us if the swelling gets worse.")
ngettext("Take %(n)d tablet.", "Take %(n)d tablets.", 2)
pgettext("button", "Close")
pgettext("adjective", "Close")
_("Your appointment is on %(date)s at %(time)s.")
_("This text will be removed.")
PY
cat > "$work/app_v2.py" <<'PY'
from gettext import gettext as _, ngettext, pgettext
_("Keep the dressing dry for three days after the procedure, then wash gently with mild soap and water, and pat the area dry with a clean towel.")
_("Call us if the swelling gets worse.")
ngettext("Take %(n)d tablet.", "Take %(n)d tablets.", 2)
pgettext("button", "Close")
pgettext("adjective", "Close")
_("Your appointment is on %(date)s at %(time)s.")
_("A brand new sentence.")
PY
cd "$work"
xgettext --language=Python --keyword=pgettext:1c,2 --from-code=UTF-8 --package-name=handouts -o v1.pot app_v1.py
xgettext --language=Python --keyword=pgettext:1c,2 --from-code=UTF-8 --package-name=handouts -o v2.pot app_v2.py
msginit --no-translator --locale=ru_RU.UTF-8 -i v1.pot -o ru.po
python3 - <<'PY'
import re
text = open("ru.po", encoding="utf-8").read()
text = re.sub(r"charset=[\w-]+", "charset=UTF-8", text)
tr = {
 '"Call us if the swelling gets worse."': '"Позвоните нам, если отёк усилится."',
 '"Your appointment is on %(date)s at %(time)s."': '"Ваш приём назначен на %(date)s в %(time)s."',
 '"This text will be removed."': '"Этот текст будет удалён."',
}
for src, dst in tr.items():
    text = text.replace(f'msgid {src}\nmsgstr ""', f'# Translator: checked against the clinic glossary\nmsgid {src}\nmsgstr {dst}')
text = text.replace('msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""', 'msgstr[0] "Примите %(n)d таблетку."\nmsgstr[1] "Примите %(n)d таблетки."\nmsgstr[2] "Примите %(n)d таблеток."')
text = text.replace('msgctxt "button"\nmsgid "Close"\nmsgstr ""', 'msgctxt "button"\nmsgid "Close"\nmsgstr "Закрыть"')
text = text.replace('msgctxt "adjective"\nmsgid "Close"\nmsgstr ""', 'msgctxt "adjective"\nmsgid "Close"\nmsgstr "Близкий"')
long_src = re.search(r'msgid ""\n("Keep the dressing[^\n]*\n(?:"[^\n]*\n)*)msgstr ""', text)
text = text.replace(long_src.group(0), 'msgid ""\n' + long_src.group(1) + 'msgstr ""\n"Держите повязку сухой в течение двух дней после процедуры, затем аккуратно "\n"промойте мягким мылом и водой и промокните насухо чистым полотенцем."')
open("ru.po", "w", encoding="utf-8").write(text)
PY
msgcat -o ru.po ru.po   # as a translator's editor saves it: GNU layout
msgmerge --quiet --previous -o ru-merged.po ru.po v2.pot
cd - >/dev/null
cp "$work/v2.pot" template.pot
cp "$work/ru.po" ru-before-merge.po
cp "$work/ru-merged.po" ru.po
