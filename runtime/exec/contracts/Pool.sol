// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// A constant-product AMM pool (x·y = k, 0.3 % fee) with internal balances: every swap reads and
/// writes both reserves, so a block of swaps is one hot contract where all transactions conflict.
contract Pool {
    uint256 public reserve0;
    uint256 public reserve1;
    mapping(address => uint256) public balance0;
    mapping(address => uint256) public balance1;

    constructor(uint256 r0, uint256 r1) {
        reserve0 = r0;
        reserve1 = r1;
    }

    /// Credits the caller (the workload's genesis funds its traders this way).
    function faucet(uint256 a0, uint256 a1) external {
        balance0[msg.sender] += a0;
        balance1[msg.sender] += a1;
    }

    function swap0for1(uint256 amountIn) external returns (uint256) {
        return _swap(true, amountIn);
    }

    function swap1for0(uint256 amountIn) external returns (uint256) {
        return _swap(false, amountIn);
    }

    /// Sells `amountIn` of token 0 (zeroForOne) or token 1 for the other at the pool's price, after the 0.3 % fee.
    function _swap(bool zeroForOne, uint256 amountIn) internal returns (uint256 out) {
        mapping(address => uint256) storage balIn = zeroForOne ? balance0 : balance1;
        mapping(address => uint256) storage balOut = zeroForOne ? balance1 : balance0;
        require(balIn[msg.sender] >= amountIn, "balance");
        (uint256 rIn, uint256 rOut) = zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
        out = (rOut * amountIn * 997) / (rIn * 1000 + amountIn * 997);
        balIn[msg.sender] -= amountIn;
        balOut[msg.sender] += out;
        (rIn, rOut) = (rIn + amountIn, rOut - out);
        (reserve0, reserve1) = zeroForOne ? (rIn, rOut) : (rOut, rIn);
    }
}
