# A référentiel and the correspondences, each a link that leaves the site:
# their errors, and none of those that would follow for every competence,
# correspondence and view that names what they held.
X="$PWD/../$(basename "$PWD")-dehors"
rm -rf "$X" && mkdir -p "$X"
mv referentiels/mini.yaml "$X/mini.yaml" && ln -s "$X/mini.yaml" referentiels/mini.yaml
mv referentiels/correspondances "$X/correspondances" && ln -s "$X/correspondances" referentiels/correspondances
cat > content/pages/vues.md <<'MD'
---
titre: "Vues"
---

```carto
domaines: mini
```

```carto
correspondance: autre
vers: mini
```
MD
