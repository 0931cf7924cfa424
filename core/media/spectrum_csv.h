#pragma once

#include <ostream>
#include <string>

#include "core/media/spectrum_snapshot.h"

namespace emergence {

// Spectrum CSV layout (one "long" table, loadable with pandas.read_csv(path, comment='#')):
//
//   # emergence spectrum csv v1
//   # size=HxW N=… plane=luminance-rec601|channel-c noise_gain=… complete=0|1 reference_step=…
//   quantity,step,sigma,noise_floor,cutoff_cpp,index,freq_lo_cpp,freq_hi_cpp,value
//
// quantity   rows                 index       freq_lo … freq_hi               value
// rapsd_x0   frames × radii       radius r    r/N … r/N                       power of x̂0
// rapsd_xt   frames × radii       radius r    r/N … r/N                       power of x_t/√ᾱ
// lockin     frames × bands       band b      band edges                      correlation
// emergence  one per band         band b      band edges                      lock-in at that step
//
// step is the frame index (emergence: the band's emergence step, -1 = not settled, and then
// sigma, noise_floor, cutoff_cpp and value are empty); sigma, noise_floor (= σ²·noise_gain) and
// cutoff_cpp (cycles/pixel where the reference x̂0 spectrum meets the floor) describe that frame.
// Powers are |F|²/(H·W) in x̂0 units; frequencies are cycles per pixel.
void write_spectrum_csv(std::ostream& out, const SpectralSnapshot& snapshot);
// Replaces path atomically (write_file_atomically); errors name the path.
void write_spectrum_csv(const std::string& path, const SpectralSnapshot& snapshot);

}  // namespace emergence
