// SpectralTrack fed hand-made frames: noise-floor scaling, lock-in, emergence, snapshots, CSV.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <sstream>

#include "core/error.h"
#include "core/media/spectral_track.h"
#include "core/media/spectrum_csv.h"
#include "spectrum_fields.h"

namespace emergence {
namespace {

torch::Tensor to_tensor(const std::vector<cv::Mat>& planes) {
  const int h = planes.front().rows;
  const int w = planes.front().cols;
  torch::Tensor t = torch::empty({1, static_cast<int64_t>(planes.size()), h, w});
  for (size_t c = 0; c < planes.size(); ++c) {
    cv::Mat view(h, w, CV_32F, t.data_ptr<float>() + c * h * w);
    planes[c].copyTo(view);
  }
  return t;
}

StepFrame frame_of(int index, int total, double sigma, torch::Tensor x_t, torch::Tensor x0) {
  StepFrame f;
  f.index = index;
  f.total = total;
  f.sigma = sigma;
  f.x_t = std::move(x_t);
  f.x0 = std::move(x0);
  return f;
}

TEST(SpectralTrack, PureNoiseFrameSitsOnTheNoiseFloor) {
  // x_t = √(1−ᾱ)·ε with x0 = 0: divided by √ᾱ it is σε, so its RAPSD must equal σ²·gain.
  const int size = 256;
  const double sigma = 3.0;
  const double b = std::sqrt(sigma * sigma / (1.0 + sigma * sigma));
  std::vector<cv::Mat> eps;
  for (int c = 0; c < 3; ++c) {
    eps.push_back(test::white_noise(size, 1.0, 20 + c) * b);
  }
  SpectralTrack track;
  EXPECT_EQ(track.snapshot(), nullptr);
  track.on_frame(frame_of(0, 10, sigma, to_tensor(eps), torch::zeros({1, 3, size, size})));
  const auto snap = track.snapshot();
  ASSERT_NE(snap, nullptr);
  const SpectralStep& step = *snap->steps.at(0);
  EXPECT_NEAR(step.noise_floor, sigma * sigma * noise_gain(3, kLuminance), 1e-9);
  const double mean =
      std::accumulate(step.rapsd_xt.begin() + 31, step.rapsd_xt.end(), 0.0) / (128 - 31);
  EXPECT_NEAR(mean / step.noise_floor, 1.0, 0.03);
  EXPECT_EQ(snap->lockin_at(0, 0), 0.0f);  // x̂0 of frame 0 is zero: nothing has settled
  EXPECT_FALSE(snap->complete);
}

TEST(SpectralTrack, BandsSettleAtTheFrameTheirContentArrives) {
  // Frame i's x̂0 holds the final content in bands < i and its negative in the rest, so band b
  // locks in at frame b+1 and stays.
  const int size = 64;
  const int total = 8;
  const std::vector<SpectralBand> bands = log_spaced_bands(size);
  const int num_bands = static_cast<int>(bands.size());
  ASSERT_EQ(num_bands, 7);
  const cv::Mat final_image = test::white_noise(size, 0.2, 1);
  auto x0_at = [&](int i) {
    cv::Mat x0(size, size, CV_32F, cv::Scalar(0.0f));
    for (int b = 0; b < num_bands; ++b) {
      x0 += band_filter(b < i ? final_image : -final_image, bands[b]);
    }
    return x0;
  };
  SpectralTrack track(SpectralTrackOptions{kLuminance, 8, 0.9});
  for (int i = 0; i <= total; ++i) {
    const cv::Mat x0 = i == total ? final_image : x0_at(i);
    track.on_frame(frame_of(i, total, 1.0 / (i + 1), to_tensor({x0}), to_tensor({x0})));
    const auto snap = track.snapshot();
    EXPECT_EQ(snap->num_steps(), i + 1);
    EXPECT_EQ(snap->reference_step, i);
    EXPECT_EQ(snap->complete, i == total);
    // Mid-run the newest frame i is the reference and is left out of the emergence rule. Bands
    // ≥ i hold −final in every frame so far (settled from 0); band b < i matches from frame b+1,
    // which only counts if b+1 is before i: band i−1 (changed just now) has not settled.
    if (i > 0 && i < total) {
      for (int b = 0; b < num_bands; ++b) {
        const int expected = b >= i ? 0 : b + 1 < i ? b + 1 : -1;
        EXPECT_EQ(snap->emergence[b], expected) << "frame " << i << " band " << b;
      }
    }
  }
  const auto snap = track.snapshot();
  for (int b = 0; b < num_bands; ++b) {
    EXPECT_EQ(snap->emergence[b], b + 1) << "band " << b;
    EXPECT_NEAR(snap->lockin_at(total, b), 1.0f, 1e-5f);
    EXPECT_NEAR(snap->lockin_at(b + 1, b), 1.0f, 1e-5f);
    EXPECT_NEAR(snap->lockin_at(b, b), -1.0f, 1e-5f);
  }
  EXPECT_EQ(snap->num_bins(), 32);
  EXPECT_DOUBLE_EQ(snap->frequencies[0], 1.0 / 64);
  EXPECT_EQ(snap->band_of_bin(0), 0);
  EXPECT_EQ(snap->band_of_bin(31), num_bands - 1);

  // A new run (frame 0 again) starts over.
  track.on_frame(frame_of(0, 3, 5.0, to_tensor({final_image}), to_tensor({final_image})));
  EXPECT_EQ(track.snapshot()->num_steps(), 1);
  // The old snapshot is untouched.
  EXPECT_EQ(snap->num_steps(), total + 1);
}

TEST(SpectralTrack, RejectsMalformedFrames) {
  SpectralTrack track;
  EXPECT_THROW(
      track.on_frame(frame_of(0, 1, 1.0, torch::zeros({3, 8, 8}), torch::zeros({3, 8, 8}))), Error);
  EXPECT_THROW(
      track.on_frame(frame_of(0, 1, 1.0, torch::zeros({1, 3, 8, 8}), torch::zeros({1, 3, 8, 4}))),
      Error);
  SpectralTrack red(SpectralTrackOptions{2, 8, 0.9});
  EXPECT_THROW(
      red.on_frame(frame_of(0, 1, 1.0, torch::zeros({1, 1, 8, 8}), torch::zeros({1, 1, 8, 8}))),
      Error);
}

TEST(SpectrumCsv, WritesTheDocumentedLayout) {
  const int size = 16;
  SpectralTrack track;
  for (int i = 0; i <= 2; ++i) {
    const cv::Mat x0 = test::white_noise(size, 0.1, 5) + test::white_noise(size, 0.01 * i, 9 + i);
    track.on_frame(frame_of(i, 2, 2.0 - i, to_tensor({x0, x0, x0}), to_tensor({x0, x0, x0})));
  }
  const auto snap = track.snapshot();
  std::ostringstream out;
  write_spectrum_csv(out, *snap);
  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "# emergence spectrum csv v1");
  std::getline(in, line);
  EXPECT_NE(line.find("size=16x16 N=16 plane=luminance-rec601"), std::string::npos) << line;
  std::getline(in, line);
  EXPECT_EQ(line, "quantity,step,sigma,noise_floor,cutoff_cpp,index,freq_lo_cpp,freq_hi_cpp,value");
  std::map<std::string, int> rows;
  while (std::getline(in, line)) {
    const std::string quantity = line.substr(0, line.find(','));
    rows[quantity] += 1;
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 8) << line;
  }
  EXPECT_EQ(rows["rapsd_x0"], 3 * 8);
  EXPECT_EQ(rows["rapsd_xt"], 3 * 8);
  EXPECT_EQ(rows["lockin"], 3 * 4);
  EXPECT_EQ(rows["emergence"], 4);
  EXPECT_THROW(write_spectrum_csv("/nonexistent-dir/spectrum.csv", *snap), Error);
}

}  // namespace
}  // namespace emergence
