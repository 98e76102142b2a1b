CFLAGS = -O2 -g -fno-omit-frame-pointer
