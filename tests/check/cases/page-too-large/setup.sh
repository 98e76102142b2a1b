# sec-10: a page of more than 8 MiB of Markdown is refused at its first line
# (cmark's tree takes about 20 bytes a byte); 7 MiB is accepted.
{
	printf -- '---\ntitre: "Grande"\n---\n'
	yes 'Lorem ipsum dolor sit amet, *adipiscing* elit, sed do [eiusmod](https://x.fr) tempor.' | head -c 9000000
} > content/pages/grande.md
{
	printf -- '---\ntitre: "Moyenne"\n---\n'
	yes 'Lorem ipsum dolor sit amet, *adipiscing* elit, sed do [eiusmod](https://x.fr) tempor.' | head -c 7300000
} > content/pages/moyenne.md
