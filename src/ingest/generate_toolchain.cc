#include "ingest/generate_toolchain.h"

#include "ingest/generate_random.h"
#include "ingest/generate_time.h"

namespace buildhub::ingest::gen {
namespace {

// Static-analysis and hardening flags of plugin-enabled builds; appended to
// cc/cxx on a few builds so that the strings pass 256 characters.
constexpr const char* kLongFlags =
    " -fcrash-diagnostics-dir=/builds/worker/artifacts -fstack-protector-strong"
    " -fno-omit-frame-pointer -funwind-tables -fno-strict-aliasing -ffunction-sections"
    " -fdata-sections -fno-math-errno -pthread -pipe -gdwarf-4 -Xclang -load -Xclang"
    " /builds/worker/workspace/obj-build/build/clang-plugin/libclang-plugin.so"
    " -Xclang -add-plugin -Xclang moz-check";

void Linux(bool x64, int year, HashStream* pick, Toolchain* out) {
  const std::string m32 = x64 ? "" : " -m32 -march=pentium-m";
  std::string bin;
  bool gcc = true;
  if (year <= 2012) {
    bin = "/tools/gcc-4.5-0moz3/bin/";
  } else if (year <= 2013) {
    bin = "/tools/gcc-4.7.2-0moz1/bin/";
  } else if (year <= 2016) {
    bin = "/home/worker/workspace/build/src/gcc/bin/";
  } else if (year <= 2017) {
    bin = "/builds/worker/workspace/build/src/gcc/bin/";
  } else if (year <= 2019) {
    bin = "/builds/worker/workspace/build/src/clang/bin/";
    gcc = false;
  } else {
    bin = "/builds/worker/fetches/clang/bin/";
    gcc = false;
  }
  const std::string c = bin + (gcc ? "gcc" : "clang");
  const std::string cxx = bin + (gcc ? "g++" : "clang++");
  std::string sysroot;
  if (year >= 2022) {
    sysroot = x64 ? " --sysroot /builds/worker/fetches/sysroot-x86_64-linux-gnu"
                  : " --sysroot /builds/worker/fetches/sysroot-i686-linux-gnu";
  }
  out->cc = c + m32 + sysroot + " -std=gnu99";
  out->cxx = cxx + m32 + sysroot;
  out->as = out->cc;
  if (pick->PerMille(350)) {
    out->ld = year >= 2021 ? "/builds/worker/fetches/clang/bin/ld.lld" : "ld";
  }
  out->host = year <= 2013 ? (x64 ? "x86_64-unknown-linux-gnu" : "i686-pc-linux-gnu")
                           : "x86_64-pc-linux-gnu";
  out->target = x64 ? (year <= 2013 ? "x86_64-unknown-linux-gnu" : "x86_64-pc-linux-gnu")
                    : "i686-pc-linux-gnu";
}

void Windows(Platform platform, int year, int64_t task, HashStream* pick, Toolchain* out) {
  const bool x86 = platform == Platform::kWin32;
  const bool arm64 = platform == Platform::kWinArm64;
  out->host = x86 && year <= 2013 ? "i686-pc-mingw32" : "x86_64-pc-mingw32";
  out->target = x86 ? "i686-pc-mingw32" : arm64 ? "aarch64-windows-mingw32" : "x86_64-pc-mingw32";
  if (year <= 2013) {
    const std::string vc = x86 ? "c:/tools/msvs10/vc/bin/" : "c:/tools/msvs10/vc/bin/amd64/";
    out->as = x86 ? "ml.exe" : "ml64.exe";
    out->cc = vc + "cl.exe";
    out->cxx = vc + "cl.exe";
    if (pick->PerMille(350)) out->ld = vc + "link.exe";
    return;
  }
  if (year <= 2017) {
    const std::string vs = year <= 2015 ? "vs2013" : "vs2015u3";
    const std::string slave = x86 ? "m-cen-w32-ntly-000000000000000" : "m-cen-w64-ntly-000000000000000";
    const std::string vc = "c:/builds/moz2_slave/" + slave + "/build/src/" + vs + "/VC/bin/" +
                           (x86 ? "amd64_x86/" : "amd64/");
    out->as = vc + (x86 ? "ml.exe" : "ml64.exe");
    out->cc = vc + "cl.exe";
    out->cxx = vc + "cl.exe";
    if (pick->PerMille(350)) out->ld = vc + "link.exe";
    return;
  }
  std::string root = "z:/task_";
  AppendPadded(task, 1, &root);
  const std::string vs = year <= 2019 ? "/build/src/vs2017_15.8.4/VC/bin/HostX64/"
                         : year <= 2022 ? "/fetches/vs2019_16.8.3/VC/bin/HostX64/"
                                        : "/fetches/vs/VC/Tools/MSVC/14.39.33519/bin/HostX64/";
  out->as = root + vs + (x86 ? "x86/ml.exe" : arm64 ? "arm64/armasm64.exe" : "x64/ml64.exe");
  const std::string clang = root + (year <= 2018 ? "/build/src/clang/bin/" : "/fetches/clang/bin/");
  const std::string arch = x86 ? " -m32" : arm64 ? " --target=aarch64-windows-msvc" : "";
  out->cc = clang + "clang-cl.exe" + arch + " -Xclang -std=gnu99";
  out->cxx = clang + "clang-cl.exe" + arch;
  if (pick->PerMille(350)) out->ld = clang + "lld-link.exe";
}

void Mac(int year, HashStream* pick, Toolchain* out) {
  if (year <= 2011) {
    out->cc = "gcc-4.2 -arch x86_64";
    out->cxx = "g++-4.2 -arch x86_64";
    out->as = "$(CC)";
    out->host = out->target = "x86_64-apple-darwin10.2.0";
  } else if (year <= 2015) {
    out->cc = "/usr/bin/clang -arch x86_64";
    out->cxx = "/usr/bin/clang++ -arch x86_64";
    out->as = "$(CC)";
    out->host = out->target = "x86_64-apple-darwin10.8.0";
  } else if (year <= 2019) {
    // Cross-compiled on Linux (the shape of the devedition sample).
    const std::string src = year <= 2016 ? "/home/worker/workspace/build/src/"
                                         : "/builds/worker/workspace/build/src/";
    const std::string flags = " -target x86_64-apple-darwin11 -B " + src + "cctools/bin -isysroot " +
                              src + "MacOSX10.11.sdk";
    out->cc = src + "clang/bin/clang" + flags + " -std=gnu99";
    out->cxx = src + "clang/bin/clang++" + flags + " -std=gnu++14";
    out->as = "$(CC)";
    out->host = "x86_64-pc-linux-gnu";
    out->target = "x86_64-apple-darwin";
  } else {
    const std::string sdk = year <= 2021 ? "MacOSX10.12.sdk" : year <= 2023 ? "MacOSX11.3.sdk"
                                                                            : "MacOSX14.4.sdk";
    const std::string flags =
        " -isysroot /builds/worker/fetches/" + sdk + " --target=x86_64-apple-darwin";
    out->cc = "/builds/worker/fetches/clang/bin/clang" + flags + " -std=gnu99";
    out->cxx = "/builds/worker/fetches/clang/bin/clang++" + flags;
    out->as = out->cc;
    out->host = "x86_64-pc-linux-gnu";
    out->target = "x86_64-apple-darwin";
  }
  if (pick->PerMille(250)) out->ld = year <= 2015 ? "ld" : "$(CC)";
}

void Android(Platform platform, int year, HashStream* pick, Toolchain* out) {
  const char* triple = "arm-linux-androideabi";
  const char* target = "arm-unknown-linux-androideabi";
  switch (platform) {
    case Platform::kAndroidX86:
      triple = "i686-linux-android";
      target = year <= 2017 ? "i386-pc-linux-android" : "i686-pc-linux-android";
      break;
    case Platform::kAndroidArm64:
      triple = "aarch64-linux-android";
      target = "aarch64-unknown-linux-android";
      break;
    case Platform::kAndroidX8664:
      triple = "x86_64-linux-android";
      target = "x86_64-pc-linux-android";  // as in the fennec sample
      break;
    default:
      break;
  }
  out->host = "x86_64-pc-linux-gnu";
  out->target = target;
  if (year <= 2017) {
    const bool x86 = platform == Platform::kAndroidX86;
    const std::string ndk = year <= 2013 ? "/tools/android-ndk-r8c/toolchains/"
                                         : "/home/worker/workspace/build/src/android-ndk/toolchains/";
    const std::string gcc = year <= 2013 ? "-4.6" : "-4.9";
    const std::string chain = std::string(x86 ? "x86" : "arm-linux-androideabi") + gcc +
                              (year <= 2013 ? "/prebuilt/linux-x86/bin/" : "/prebuilt/linux-x86_64/bin/");
    const std::string prefix = ndk + chain + (x86 ? "i686-linux-android" : "arm-linux-androideabi");
    out->cc = prefix + "-gcc -std=gnu99";
    out->cxx = prefix + "-g++";
    out->as = prefix + "-as";
  } else {
    const std::string bin = year <= 2019 ? "/builds/worker/workspace/build/src/clang/bin/"
                                         : "/builds/worker/fetches/clang/bin/";
    const std::string t = std::string(" --target=") + triple;
    out->cc = bin + "clang -std=gnu99" + t;
    out->cxx = bin + "clang++" + t;
    out->as = out->cc;
  }
  if (pick->PerMille(200)) out->ld = "ld";
}

}  // namespace

void DescribeToolchain(Platform platform, int64_t build_time, int64_t task, uint64_t variant,
                       Toolchain* out) {
  *out = Toolchain{};
  const int year = static_cast<int>(CivilFromUnix(build_time).year);
  HashStream pick(variant);
  switch (platform) {
    case Platform::kLinux32:
    case Platform::kLinux64:
      Linux(platform == Platform::kLinux64, year, &pick, out);
      break;
    case Platform::kWin32:
    case Platform::kWin64:
    case Platform::kWinArm64:
      Windows(platform, year, task, &pick, out);
      break;
    case Platform::kMac:
      Mac(year, &pick, out);
      break;
    default:
      Android(platform, year, &pick, out);
      break;
  }
  // Old toolchains did not always record the assembler.
  if (year <= 2013 && pick.PerMille(150)) out->as.clear();
  if (pick.PerMille(20)) {
    out->cc += kLongFlags;
    out->cxx += kLongFlags;
  }
}

}  // namespace buildhub::ingest::gen
