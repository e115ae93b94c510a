/*
 * pool.hpp — Boost.Fiber's work-stealing scheduler on n kernel threads: the
 * calling thread and n - 1 helpers, as Boost's own work_stealing example
 * sets it up.  Helpers run fibers until the pool is destroyed.
 */
#ifndef TMM_BENCH_FIBER_POOL_HPP
#define TMM_BENCH_FIBER_POOL_HPP

#include <boost/fiber/all.hpp>
#include <mutex>
#include <thread>
#include <vector>

class stealing_pool
{
      public:
	explicit stealing_pool(unsigned int n) : ready_(n)
	{
		for (unsigned int i = 1; i < n; i++)
			helpers_.emplace_back([this, n] { serve(n); });
		boost::fibers::use_scheduling_algorithm<boost::fibers::algo::work_stealing>(n);
		ready_.wait();
	}

	~stealing_pool()
	{
		{
			std::unique_lock<boost::fibers::mutex> lk(mtx_);
			done_ = true;
		}
		finished_.notify_all();
		for (auto &t : helpers_)
			t.join();
	}

      private:
	void serve(unsigned int n)
	{
		boost::fibers::use_scheduling_algorithm<boost::fibers::algo::work_stealing>(n);
		ready_.wait();
		std::unique_lock<boost::fibers::mutex> lk(mtx_);
		finished_.wait(lk, [this] { return done_; });
	}

	boost::fibers::barrier ready_;
	boost::fibers::mutex mtx_;
	boost::fibers::condition_variable finished_;
	bool done_ = false;
	std::vector<std::thread> helpers_;
};

#endif
