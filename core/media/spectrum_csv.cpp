#include "spectrum_csv.h"

#include <sstream>

#include "core/atomic_file.h"

namespace emergence {
namespace {

void write_frame_columns(std::ostream& out, const SpectralSnapshot& s, int step) {
  const SpectralStep& frame = *s.steps[step];
  out << frame.index << ',' << frame.sigma << ',' << frame.noise_floor << ',' << s.cutoff[step];
}

}  // namespace

void write_spectrum_csv(std::ostream& out, const SpectralSnapshot& s) {
  out.precision(9);
  out << "# emergence spectrum csv v1\n";
  out << "# size=" << s.height << 'x' << s.width << " N=" << s.size << " plane="
      << (s.channel < 0 ? std::string("luminance-rec601") : "channel-" + std::to_string(s.channel))
      << " noise_gain=" << s.noise_gain << " complete=" << (s.complete ? 1 : 0)
      << " reference_step=" << s.reference_step << "\n";
  out << "quantity,step,sigma,noise_floor,cutoff_cpp,index,freq_lo_cpp,freq_hi_cpp,value\n";
  for (const bool x0 : {true, false}) {
    const char* quantity = x0 ? "rapsd_x0" : "rapsd_xt";
    for (int i = 0; i < s.num_steps(); ++i) {
      const std::vector<float>& power = x0 ? s.steps[i]->rapsd_x0 : s.steps[i]->rapsd_xt;
      for (int k = 0; k < s.num_bins(); ++k) {
        out << quantity << ',';
        write_frame_columns(out, s, i);
        out << ',' << k + 1 << ',' << s.frequencies[k] << ',' << s.frequencies[k] << ',' << power[k]
            << '\n';
      }
    }
  }
  for (int i = 0; i < s.num_steps(); ++i) {
    for (int b = 0; b < s.num_bands(); ++b) {
      out << "lockin,";
      write_frame_columns(out, s, i);
      out << ',' << b << ',' << s.bands[b].low_frequency << ',' << s.bands[b].high_frequency << ','
          << s.lockin_at(i, b) << '\n';
    }
  }
  for (int b = 0; b < s.num_bands(); ++b) {
    const int step = s.emergence[b];
    out << "emergence,";
    if (step >= 0 && step < s.num_steps()) {
      write_frame_columns(out, s, step);
    } else {
      out << "-1,,,";
    }
    out << ',' << b << ',' << s.bands[b].low_frequency << ',' << s.bands[b].high_frequency << ',';
    if (step >= 0 && step < s.num_steps()) {
      out << s.lockin_at(step, b);
    }
    out << '\n';
  }
}

void write_spectrum_csv(const std::string& path, const SpectralSnapshot& snapshot) {
  std::ostringstream text;
  write_spectrum_csv(text, snapshot);
  write_file_atomically(path, text.str());
}

}  // namespace emergence
