#pragma once

#include <string>

namespace emergence {

// Python's html.unescape (3.11, Lib/html/__init__.py), which openai/CLIP applies twice to every
// prompt. Numeric references (&#39; &#x1F642;, with or without ';') follow it exactly: its
// Windows-1252 table for 0x80..0x9F, U+FFFD for 0, surrogates and values past U+10FFFF, nothing
// for the code points HTML forbids. Of the 2,231 named references only &amp; &lt; &gt; &quot;
// &apos; and &nbsp; are known (and, as in Python, amp lt gt quot nbsp also without ';' and at
// the start of a longer name: "&ampx" is "&x"); every other named reference passes through
// unchanged, so "&eacute;" stays as typed, and a longer HTML5 name that begins with one of the
// known ones is read as that one ("&ltimes;" gives "<imes;" where Python gives "⋉").
std::u32string html_unescape(const std::u32string& text);

}  // namespace emergence
