ln -s /etc/hostname content/organismes/lien.yaml
ln -s /tmp content/pages/dehors
