# Toolchain for high-level (A7) programs: Linux ARM EABI hard-float, linked against musl
# (Debian: gcc-arm-linux-gnueabihf + musl-dev:armhf, whose arm-linux-musleabihf-gcc wrapper
# adds musl's specs file). Programs get the interpreter /lib/ld-musl-armhf.so.1.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-musleabihf-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-musleabihf /usr/lib/arm-linux-musleabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
