# sec-07: 300 KB of "![[]()" in one paragraph (quadratic in cmark 0.30.2) is
# refused at once at its paragraph; the same 300 KB in paragraphs of 1,000
# repetitions, and 50,000 closed images in one paragraph, are accepted.
{
	printf -- '---\ntitre: "Crochets"\n---\nIntro.\n\n'
	awk 'BEGIN { for (i = 0; i < 50000; i++) printf "![[]()"; print "" }'
} > content/pages/crochets.md
{
	printf -- '---\ntitre: "Paragraphes"\n---\n'
	awk 'BEGIN { for (i = 0; i < 50000; i++) { printf "![[]()"; if (i % 1000 == 999) print "\n" } }'
	awk 'BEGIN { for (i = 0; i < 50000; i++) printf "![a](i.png) [b](https://x.fr) "; print "" }'
} > content/pages/paragraphes.md
