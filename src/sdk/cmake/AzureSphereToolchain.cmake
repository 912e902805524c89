# mt3620-emu SDK: a CMake toolchain file for Azure Sphere high-level apps (docs/sdk.md).
#
#   cmake -G Ninja -B build -DCMAKE_TOOLCHAIN_FILE=<mt3620-emu>/src/sdk/cmake/AzureSphereToolchain.cmake <app>
#
# An app's CMakeLists.txt written for the Azure Sphere SDK builds unchanged: this file sets up
# the compiler (Debian's gcc-arm-linux-gnueabihf with musl's specs, arm-linux-musleabihf-gcc),
# the sysroot (the project's applibs headers and libapplibs.so) and the azsphere_* functions
# (azsphere.cmake). The emulator's build tree provides libapplibs.so and mt3620-emu:
# MT3620_EMU_BUILD_DIR (cache variable or environment), default <mt3620-emu>/build.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-musleabihf-gcc)

get_filename_component(MT3620_SDK_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
get_filename_component(MT3620_EMU_SOURCE_DIR "${MT3620_SDK_DIR}/../.." ABSOLUTE)
if(NOT MT3620_EMU_BUILD_DIR)
  if(DEFINED ENV{MT3620_EMU_BUILD_DIR})
    set(MT3620_EMU_BUILD_DIR "$ENV{MT3620_EMU_BUILD_DIR}")
  else()
    set(MT3620_EMU_BUILD_DIR "${MT3620_EMU_SOURCE_DIR}/build")
  endif()
endif()
set(MT3620_EMU_BUILD_DIR "${MT3620_EMU_BUILD_DIR}" CACHE PATH "mt3620-emu build tree (libapplibs.so, mt3620-emu)")
# try_compile projects re-read this file: hand them the same build tree.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MT3620_EMU_BUILD_DIR)

set(AZURE_SPHERE_SYSROOT_INCLUDE "${MT3620_EMU_SOURCE_DIR}/src/applibs-guest/include")
set(AZURE_SPHERE_SYSROOT_LIB "${MT3620_EMU_BUILD_DIR}/hl-apps/lib")

# The A7's instruction set as the Azure Sphere SDK targets it (Cortex-A7: ARMv7-A, Thumb-2,
# NEON/VFPv4, hard float). Apps are position-independent executables.
set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mthumb -mfpu=neon-vfpv4 -mfloat-abi=hard -std=gnu11 -fPIE -isystem ${AZURE_SPHERE_SYSROOT_INCLUDE}")
# The sysroot's lib folder holds libapplibs.so and libgcc_s.so (the static libgcc: the emulated
# OS has no libgcc_s.so.1; src/applibs-guest/CMakeLists.txt).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-pie -L${AZURE_SPHERE_SYSROOT_LIB}")

set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-musleabihf /usr/lib/arm-linux-musleabihf "${AZURE_SPHERE_SYSROOT_LIB}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

include("${CMAKE_CURRENT_LIST_DIR}/azsphere.cmake")
