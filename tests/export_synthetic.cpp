#include "export_synthetic.h"

#include <cmath>
#include <random>

namespace emergence::test {
namespace {

Image8 make_image(int size, const std::vector<double>& values) {
  Image8 image;
  image.width = size;
  image.height = size;
  image.channels = 3;
  image.pixels.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    image.pixels[i] = static_cast<uint8_t>(std::clamp(std::lround(values[i]), 0L, 255L));
  }
  return image;
}

}  // namespace

GenerationParams synthetic_params() {
  GenerationParams p;
  p.model_name = "synthetic";
  p.sampler = "ddim";
  p.steps = 8;
  p.seed = 1234;
  return p;
}

Trajectory synthetic_trajectory(int frames, int size) {
  const size_t n = static_cast<size_t>(size) * size * 3;
  std::vector<double> clean(n);
  std::vector<double> noise(n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> uniform(0.0, 255.0);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c) {
        const size_t i = (static_cast<size_t>(y) * size + x) * 3 + c;
        // A smooth diagonal gradient with a soft disc: little change between neighbours.
        const double r = std::hypot(x - size / 2.0, y - size / 2.0) / size;
        clean[i] =
            40.0 + 150.0 * (x + y) / (2.0 * size) + (c == 0 ? 60.0 * std::exp(-8 * r * r) : 0);
        noise[i] = uniform(rng);
      }
    }
  }
  Trajectory t;
  t.params = synthetic_params();
  std::vector<double> previous = noise;
  for (int k = 0; k < frames; ++k) {
    const double a = frames > 1 ? static_cast<double>(k) / (frames - 1) : 1.0;
    std::vector<double> x_t(n);
    std::vector<double> delta(n);
    for (size_t i = 0; i < n; ++i) {
      x_t[i] = (1 - a) * noise[i] + a * clean[i];
      delta[i] = 128 + (x_t[i] - previous[i]) / 2;
    }
    previous = x_t;
    auto frame = std::make_shared<TrajectoryFrame>();
    frame->index = k;
    frame->total = frames - 1;
    frame->timestep = 1000.0 * (1 - a);
    frame->sigma = 10.0 * (1 - a);
    frame->views[static_cast<int>(View::NoisyState)] = make_image(size, x_t);
    frame->views[static_cast<int>(View::CleanGuess)] = make_image(size, clean);
    frame->views[static_cast<int>(View::Noise)] = make_image(size, noise);
    frame->views[static_cast<int>(View::Update)] = make_image(size, delta);
    t.frames.push_back(frame);
  }
  return t;
}

double total_variation(const cv::Mat& image) {
  cv::Mat f;
  image.convertTo(f, CV_32F);
  const cv::Mat dx = f(cv::Rect(1, 0, f.cols - 1, f.rows)) - f(cv::Rect(0, 0, f.cols - 1, f.rows));
  const cv::Mat dy = f(cv::Rect(0, 1, f.cols, f.rows - 1)) - f(cv::Rect(0, 0, f.cols, f.rows - 1));
  return cv::sum(cv::abs(dx))[0] / dx.total() + cv::sum(cv::abs(dy))[0] / dy.total();
}

}  // namespace emergence::test
