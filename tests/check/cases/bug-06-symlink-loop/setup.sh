# An editor links a shared folder the wrong way (ln -s .. boucle): a link to a
# folder that contains it; a link to itself; two links that lead to each other.
ln -s .. content/pages/boucle
ln -s moi content/pages/moi
ln -s b content/organismes/a && ln -s a content/organismes/b
mkdir -p content/pages/sous && ln -s ../../pages content/pages/sous/haut
